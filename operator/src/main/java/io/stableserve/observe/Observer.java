package io.stableserve.observe;

/**
 * Reads one service's signals over a window ending now. The only stage that does I/O before
 * actuation; an implementation is bound to one metrics source (Prometheus today, see
 * {@code observe.prometheus}) and one service's series.
 */
@FunctionalInterface
public interface Observer {

  /**
   * @throws MetricsUnavailableException when the source cannot be reached, times out, rejects a
   *     query, has no data for a required signal (completions, running, waiting), has only stale
   *     data, or answers something that is not a valid answer
   */
  Observation observe(ObservationWindow window) throws MetricsUnavailableException;

  /**
   * The gateway's held requests and arrival rate, for a service none of whose replicas serves.
   *
   * @throws MetricsUnavailableException when the gateway's metrics cannot be read; a source that
   *     reads no gateway always throws
   */
  default GatewayReading observeGateway(ObservationWindow window) throws MetricsUnavailableException {
    throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.GATEWAY_QUEUE, "",
        "this metrics source reads no gateway, and with no replica serving there is nothing else to read");
  }
}
