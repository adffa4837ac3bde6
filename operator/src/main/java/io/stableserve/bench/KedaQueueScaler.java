package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
/**
 * KEDA's Prometheus scaler on {@code sum(vllm:num_requests_waiting)} with threshold 5 and the
 * default {@code metricType: AverageValue}: KEDA serves the query's value as an external metric to
 * the HPA it creates, which computes ⌈value / threshold⌉ with the HPA's tolerance and default
 * behaviour. KEDA's {@code cooldownPeriod} (300 s) only governs scaling between 1 and 0 replicas;
 * with {@code minReplicaCount: 1}, as an LLM service needs, scale-down pacing is the HPA's 300 s
 * stabilisation window. The query sums every scraped series, so draining pods count and pods still
 * loading (no series yet) do not.
 */
public final class KedaQueueScaler implements Autoscaler {

  public static final String NAME = "KEDA (queue)";

  public static final double DEFAULT_THRESHOLD = 5;

  private final HorizontalPodAutoscaler hpa;
  private final double threshold;

  public KedaQueueScaler(ReplicaRange range, double threshold, HpaBehavior behavior) {
    this.hpa = new HorizontalPodAutoscaler(behavior, range, HorizontalPodAutoscaler.DEFAULT_TOLERANCE);
    this.threshold = threshold;
  }

  public static KedaQueueScaler withDefaults(ReplicaRange range) {
    return new KedaQueueScaler(range, DEFAULT_THRESHOLD, HpaBehavior.defaults());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    double waiting = 0;
    for (FleetMetrics.PodReading p : metrics.latest()) {
      waiting += p.waiting();
    }
    int recommended = hpa.externalAverageReplicas(waiting, specReplicas, threshold);
    return hpa.normalize(metrics.now(), specReplicas, recommended);
  }
}
