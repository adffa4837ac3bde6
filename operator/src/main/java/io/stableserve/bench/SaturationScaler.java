package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 *
 * <p>The four thresholds are the analyzer's configuration ({@code wva-saturation-scaling-config}:
 * {@code kvCacheThreshold}, {@code queueLengthThreshold}, {@code kvSpareTrigger},
 * {@code queueSpareTrigger}); {@link Thresholds#DEFAULTS} are its shipped defaults.
 */
public final class SaturationScaler implements Autoscaler {

  public static final String NAME = "llm-d WVA (saturation)";

  public static final double KV_THRESHOLD = 0.80;
  public static final double QUEUE_THRESHOLD = 5;
  public static final double KV_SPARE_TRIGGER = 0.10;
  public static final double QUEUE_SPARE_TRIGGER = 3;
  public static final double PEAK_WINDOW_SECONDS = 60;

  /**
   * The analyzer's thresholds.
   *
   * @param kvCache a pod is saturated at KV-cache usage ≥ this
   * @param queueLength a pod is saturated with this many requests waiting or more
   * @param kvSpare scale up when the mean spare KV (kvCache − usage) falls below this
   * @param queueSpare scale up when the mean spare queue (queueLength − waiting) falls below this
   */
  public record Thresholds(double kvCache, double queueLength, double kvSpare, double queueSpare) {

    public static final Thresholds DEFAULTS = new Thresholds(KV_THRESHOLD, QUEUE_THRESHOLD, KV_SPARE_TRIGGER, QUEUE_SPARE_TRIGGER);

    /**
     * The benchmark's grid: the saturation thresholds from eager to lax, the spare triggers kept
     * in the defaults' proportion to them (KV spare 0.1; queue spare 3/5 of the queue threshold).
     */
    public static final List<Thresholds> GRID = List.of(
        new Thresholds(0.6, 2, 0.1, 1.2),
        new Thresholds(0.7, 3, 0.1, 1.8),
        DEFAULTS,
        new Thresholds(0.9, 10, 0.1, 6));

    public Thresholds {
      if (!(kvCache > 0 && kvCache <= 1) || !(queueLength > 0) || !(kvSpare >= 0) || !(queueSpare >= 0)) {
        throw new IllegalArgumentException("saturation thresholds out of range: " + this);
      }
    }

    public String label() {
      return String.format(Locale.ROOT, "KV %.2f, queue %.0f", kvCache, queueLength);
    }
  }

  /** What the analysis found. */
  public enum Verdict { SCALE_UP, SCALE_DOWN, HOLD }

  private final ReplicaRange range;
  private final Thresholds thresholds;

  public SaturationScaler(ReplicaRange range) {
    this(range, Thresholds.DEFAULTS);
  }

  public SaturationScaler(ReplicaRange range, Thresholds thresholds) {
    this.range = range;
    this.thresholds = thresholds;
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
    if (specReplicas > readyReplicas) {
      return specReplicas;
    }
    return analyze(metrics, thresholds).map(verdict -> switch (verdict) {
      case SCALE_UP -> range.clamp(readyReplicas + 1);
      case SCALE_DOWN -> range.clamp(readyReplicas - 1);
      case HOLD -> range.clamp(readyReplicas);
    }).orElse(specReplicas);
  }

  /** The analysis of every pod's peak KV usage and queue over the last minute; empty before any pod reports. */
  static Optional<Verdict> analyze(FleetMetrics metrics, Thresholds thresholds) {
    Map<Integer, Double> kv = metrics.maxOverTime(FleetMetrics.PodReading::kvCacheUsage, PEAK_WINDOW_SECONDS);
    Map<Integer, Double> queue = metrics.maxOverTime(p -> p.waiting(), PEAK_WINDOW_SECONDS);
    if (kv.isEmpty()) {
      return Optional.empty();
    }
    double[] kvs = new double[kv.size()];
    double[] queues = new double[kv.size()];
    int i = 0;
    for (Map.Entry<Integer, Double> e : kv.entrySet()) {
      kvs[i] = e.getValue();
      queues[i] = queue.get(e.getKey());
      i++;
    }
    return Optional.of(analyze(kvs, queues, thresholds));
  }

  /** The saturation analysis of one variant's pods (peak KV usage and peak queue per pod), default thresholds. */
  public static Verdict analyze(double[] kvUsage, double[] queueLength) {
    return analyze(kvUsage, queueLength, Thresholds.DEFAULTS);
  }

  /** The saturation analysis of one variant's pods (peak KV usage and peak queue per pod). */
  public static Verdict analyze(double[] kvUsage, double[] queueLength, Thresholds t) {
    int nonSaturated = 0;
    double kvLoad = 0;
    double queueLoad = 0;
    for (int i = 0; i < kvUsage.length; i++) {
      if (kvUsage[i] < t.kvCache() && queueLength[i] < t.queueLength()) {
        nonSaturated++;
        kvLoad += kvUsage[i];
        queueLoad += queueLength[i];
      }
    }
    if (nonSaturated == 0) {
      return Verdict.SCALE_UP;
    }
    double spareKv = t.kvCache() - kvLoad / nonSaturated;
    double spareQueue = t.queueLength() - queueLoad / nonSaturated;
    if (spareKv < t.kvSpare() || spareQueue < t.queueSpare()) {
      return Verdict.SCALE_UP;
    }
    if (nonSaturated >= 2) {
      double spareKvAfter = t.kvCache() - kvLoad / (nonSaturated - 1);
      double spareQueueAfter = t.queueLength() - queueLoad / (nonSaturated - 1);
      if (spareKvAfter >= t.kvSpare() && spareQueueAfter >= t.queueSpare()) {
        return Verdict.SCALE_DOWN;
      }
    }
    return Verdict.HOLD;
  }
}
