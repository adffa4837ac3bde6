package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.util.ArrayDeque;

/**
 * KEDA on the P90 TTFT over the SLO, as llm-d's SLO-aware autoscaling guide sets it up
 * (llm-d.ai/docs/dev/operations/autoscaling/slo-aware and its control-law page): a ScaledObject with
 * a Prometheus trigger on the saturation signal
 *
 * <pre>
 *   s_raw = histogram_quantile(0.9, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[1m]))) / S_ttft
 * </pre>
 *
 * with no traffic (NaN) read as 0, clamped at C = 2 and smoothed by {@code avg_over_time(...[45s])}
 * of the recording rule evaluated every 15 s; the trigger's {@code metricType: Value} with
 * threshold 1 (the P90 at the SLO). KEDA serves the value as an external metric to the HPA it
 * creates, which for a {@code Value} target sets ⌈ready pods · s / threshold⌉ unless s / threshold
 * is within the tolerance of 1, then applies the default behaviour ({@link HpaBehavior#defaults()}:
 * scale-up by max(100%, 4 pods) per 15 s, scale-down after a 300 s window); the trigger's
 * {@code AverageValue} (KEDA's default) would divide a fleet-wide latency ratio by a per-pod
 * target, which has no meaning here. The guide also bounds TPOT; this benchmark's SLO is TTFT only.
 *
 * <p>The histogram is vLLM's own: it counts from the moment a request reached the engine, so time
 * spent at a gateway in front of the engines is not in it.
 */
public final class KedaTtftScaler implements Autoscaler {

  public static final String NAME = "KEDA (P90 TTFT)";
  public static final double DEFAULT_THRESHOLD = 1.0;
  public static final double QUANTILE = 0.9;
  public static final double RATE_WINDOW_SECONDS = 60;
  public static final double CLAMP = 2.0;
  public static final double SMOOTHING_SECONDS = 45;

  private final HorizontalPodAutoscaler hpa;
  private final double threshold;
  private final double ttftTargetSeconds;
  private final ArrayDeque<double[]> recorded = new ArrayDeque<>();
  private double lastSmoothed = Double.NaN;

  /**
   * @param threshold the trigger's threshold on P90 / S_ttft (1: the P90 at the SLO)
   * @param ttftTargetSeconds S_ttft, the SLO's TTFT target
   */
  public KedaTtftScaler(ReplicaRange range, double threshold, double ttftTargetSeconds, HpaBehavior behavior) {
    if (!(threshold > 0) || !(ttftTargetSeconds > 0)) {
      throw new IllegalArgumentException("threshold and TTFT target must be positive, got " + threshold + " and " + ttftTargetSeconds);
    }
    this.hpa = new HorizontalPodAutoscaler(behavior, range, HorizontalPodAutoscaler.DEFAULT_TOLERANCE);
    this.threshold = threshold;
    this.ttftTargetSeconds = ttftTargetSeconds;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  /** The P90 TTFT of the last minute, from the fleet's histogram, in seconds; NaN without first tokens. */
  static double p90(FleetMetrics metrics) {
    return metrics.increase(RATE_WINDOW_SECONDS)
        .filter(i -> i.ttft() != null)
        .map(i -> i.ttft().quantile(QUANTILE).orElse(Double.NaN))
        .orElse(Double.NaN);
  }

  /** The recording rule: P90 / S_ttft, NaN as 0, clamped at C. */
  double signal(FleetMetrics metrics) {
    double ratio = p90(metrics) / ttftTargetSeconds;
    return Double.isNaN(ratio) ? 0 : Math.min(ratio, CLAMP);
  }

  /** The smoothed signal the last decision read; NaN before any. */
  double lastSmoothed() {
    return lastSmoothed;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    double now = metrics.now();
    recorded.addLast(new double[] {now, signal(metrics)});
    while (recorded.peekFirst()[0] <= now - SMOOTHING_SECONDS) {
      recorded.removeFirst();
    }
    double sum = 0;
    for (double[] r : recorded) {
      sum += r[1];
    }
    double smoothed = sum / recorded.size();
    lastSmoothed = smoothed;
    int recommended = hpa.externalValueReplicas(smoothed, threshold, specReplicas, readyReplicas);
    return hpa.normalize(now, specReplicas, recommended);
  }
}
