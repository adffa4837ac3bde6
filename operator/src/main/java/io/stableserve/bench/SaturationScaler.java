package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.util.Map;

/**
 * The llm-d workload-variant-autoscaler's saturation analyzer (capacity-only mode, one variant),
 * written from its documentation (docs/saturation-analyzer.md) with its default thresholds:
 *
 * <ol>
 *   <li>per pod, the peak over the last minute ({@code max_over_time[1m]}) of KV-cache usage and
 *       of waiting requests;</li>
 *   <li>a pod is saturated when KV ≥ 0.8 or queue ≥ 5;</li>
 *   <li>over the non-saturated pods, mean spare KV = 0.8 − KV and mean spare queue = 5 − queue;
 *       scale up when spare KV &lt; 0.1 or spare queue &lt; 3 (or when every pod is saturated);</li>
 *   <li>scale down only when at least two pods are non-saturated and, with their total load spread
 *       over one pod fewer, spare KV ≥ 0.1 and spare queue ≥ 3 would still hold;</li>
 *   <li>the target is the ready pods ± 1; while pods are still starting it neither adds more
 *       (the analyzer blocks scale-up with pending replicas) nor removes any.</li>
 * </ol>
 */
public final class SaturationScaler implements Autoscaler {

  public static final double KV_THRESHOLD = 0.80;
  public static final double QUEUE_THRESHOLD = 5;
  public static final double KV_SPARE_TRIGGER = 0.10;
  public static final double QUEUE_SPARE_TRIGGER = 3;
  public static final double PEAK_WINDOW_SECONDS = 60;

  /** What the analysis found. */
  public enum Verdict { SCALE_UP, SCALE_DOWN, HOLD }

  private final ReplicaRange range;

  public SaturationScaler(ReplicaRange range) {
    this.range = range;
  }

  @Override
  public String name() {
    return "llm-d WVA (saturation)";
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    Map<Integer, Double> kv = metrics.maxOverTime(FleetMetrics.PodReading::kvCacheUsage, PEAK_WINDOW_SECONDS);
    Map<Integer, Double> queue = metrics.maxOverTime(p -> p.waiting(), PEAK_WINDOW_SECONDS);
    if (kv.isEmpty() || specReplicas > readyReplicas) {
      return specReplicas;
    }
    double[] kvs = new double[kv.size()];
    double[] queues = new double[kv.size()];
    int i = 0;
    for (Map.Entry<Integer, Double> e : kv.entrySet()) {
      kvs[i] = e.getValue();
      queues[i] = queue.get(e.getKey());
      i++;
    }
    return switch (analyze(kvs, queues)) {
      case SCALE_UP -> range.clamp(readyReplicas + 1);
      case SCALE_DOWN -> range.clamp(readyReplicas - 1);
      case HOLD -> range.clamp(readyReplicas);
    };
  }

  /** The saturation analysis of one variant's pods (peak KV usage and peak queue per pod). */
  public static Verdict analyze(double[] kvUsage, double[] queueLength) {
    int nonSaturated = 0;
    double kvLoad = 0;
    double queueLoad = 0;
    for (int i = 0; i < kvUsage.length; i++) {
      if (kvUsage[i] < KV_THRESHOLD && queueLength[i] < QUEUE_THRESHOLD) {
        nonSaturated++;
        kvLoad += kvUsage[i];
        queueLoad += queueLength[i];
      }
    }
    if (nonSaturated == 0) {
      return Verdict.SCALE_UP;
    }
    double spareKv = KV_THRESHOLD - kvLoad / nonSaturated;
    double spareQueue = QUEUE_THRESHOLD - queueLoad / nonSaturated;
    if (spareKv < KV_SPARE_TRIGGER || spareQueue < QUEUE_SPARE_TRIGGER) {
      return Verdict.SCALE_UP;
    }
    if (nonSaturated >= 2) {
      double spareKvAfter = KV_THRESHOLD - kvLoad / (nonSaturated - 1);
      double spareQueueAfter = QUEUE_THRESHOLD - queueLoad / (nonSaturated - 1);
      if (spareKvAfter >= KV_SPARE_TRIGGER && spareQueueAfter >= QUEUE_SPARE_TRIGGER) {
        return Verdict.SCALE_DOWN;
      }
    }
    return Verdict.HOLD;
  }
}
