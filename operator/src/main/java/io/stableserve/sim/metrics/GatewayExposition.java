package io.stableserve.sim.metrics;

import java.util.Locale;

/**
 * The metrics of the gateway in front of a simulated fleet, in the Prometheus text format (0.0.4),
 * under the names of the Gateway API inference extension's endpoint picker (llm-d's inference
 * gateway): the flow-control queue's size, a gauge of the requests it holds, and the requests it
 * received, a counter. A service that may go to zero reads them while no replica serves.
 */
public final class GatewayExposition {

  /** Requests held in the gateway's flow-control queue (a gauge). */
  public static final String QUEUE_SIZE = "inference_extension_flow_control_queue_size";
  /** Requests the gateway received (a counter). */
  public static final String REQUESTS_TOTAL = "inference_objective_request_total";

  private GatewayExposition() {}

  /**
   * @param held requests held now (no replica could take them yet)
   * @param received requests received since the gateway started
   */
  public static String render(long held, long received, String modelName) {
    if (held < 0 || received < held) {
      throw new IllegalArgumentException("held requests must be >= 0 and no more than those received, got " + held
          + " held of " + received);
    }
    String labels = "model_name=\"" + modelName.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    return String.format(Locale.ROOT, """
        # HELP %1$s Requests held in the gateway's flow-control queue.
        # TYPE %1$s gauge
        %1$s{%3$s} %4$d
        # HELP %2$s Requests received by the gateway.
        # TYPE %2$s counter
        %2$s{%3$s} %5$d
        """, QUEUE_SIZE, REQUESTS_TOTAL, labels, held, received);
  }
}
