package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes HorizontalPodAutoscaler's algorithm (kube-controller-manager,
 * {@code pkg/controller/podautoscaler}), written from its documentation: desired replicas =
 * ⌈current · metric / target⌉, skipped within the tolerance; then the behaviour: stabilisation
 * (a scale-down goes no lower than the highest recommendation of the scale-down window, a scale-up
 * no higher than the lowest of the scale-up window), rate limits relative to the replicas at the
 * start of each policy's period, and the min/max bounds. Stateful: it keeps its recommendations
 * and scale events, as the controller does in memory.
 */
public final class HorizontalPodAutoscaler {

  /** The HPA's default tolerance (--horizontal-pod-autoscaler-tolerance). */
  public static final double DEFAULT_TOLERANCE = 0.1;

  private record Recommendation(double time, int replicas) {}

  private record ScaleEvent(double time, int change) {}

  private final HpaBehavior behavior;
  private final ReplicaRange range;
  private final double tolerance;
  private final List<Recommendation> recommendations = new ArrayList<>();
  private final List<ScaleEvent> scaleUpEvents = new ArrayList<>();
  private final List<ScaleEvent> scaleDownEvents = new ArrayList<>();
  private boolean initialised;

  public HorizontalPodAutoscaler(HpaBehavior behavior, ReplicaRange range, double tolerance) {
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException("HPA tolerance must be in [0, 1), got " + tolerance);
    }
    this.behavior = behavior;
    this.range = range;
    this.tolerance = tolerance;
  }

  /**
   * Replicas for a {@code Pods} metric with an {@code AverageValue} target.
   *
   * <p>Pods that report a value count as ready. Pods that exist but report nothing (still
   * starting) are "missing": if the ratio without them is above 1 they count as using 0, else as
   * using exactly the target; the ratio is recomputed, and nothing changes if it moved into the
   * tolerance or changed direction.
   *
   * @param values the metric of each pod that reports it
   * @param missingPods pods of the target that report nothing
   * @param currentReplicas the target's spec replicas
   * @return the replica count before behaviour, or {@code currentReplicas} when nothing reports
   */
  public int podsMetricReplicas(List<Double> values, int missingPods, int currentReplicas, double target) {
    if (!(target > 0)) {
      throw new IllegalArgumentException("HPA target value must be positive, got " + target);
    }
    if (values.isEmpty()) {
      return currentReplicas;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double ratio = sum / values.size() / target;
    if (missingPods == 0) {
      return withinTolerance(ratio) ? currentReplicas : (int) Math.ceil(ratio * values.size());
    }
    double filled = ratio < 1 ? sum + missingPods * target : sum;
    int pods = values.size() + missingPods;
    double newRatio = filled / pods / target;
    if (withinTolerance(newRatio) || (ratio > 1 && newRatio < 1) || (ratio < 1 && newRatio > 1)) {
      return currentReplicas;
    }
    int proposed = (int) Math.ceil(newRatio * pods);
    if ((newRatio < 1 && proposed > currentReplicas) || (newRatio > 1 && proposed < currentReplicas)) {
      return currentReplicas;
    }
    return proposed;
  }

  /**
   * Replicas for an {@code External} metric with an {@code AverageValue} target (what KEDA
   * creates): ⌈total / target⌉, unless total / (target · statusReplicas) is within the tolerance.
   *
   * @param statusReplicas the pods the target has now
   */
  public int externalAverageReplicas(double total, int statusReplicas, double targetAverage) {
    if (!(targetAverage > 0)) {
      throw new IllegalArgumentException("HPA target average value must be positive, got " + targetAverage);
    }
    if (statusReplicas == 0) {
      return (int) Math.ceil(total / targetAverage);
    }
    double ratio = total / (targetAverage * statusReplicas);
    return withinTolerance(ratio) ? statusReplicas : (int) Math.ceil(total / targetAverage);
  }

  /**
   * Replicas for an {@code External} metric with a {@code Value} target (KEDA's
   * {@code metricType: Value}): the ratio value / target times the target's ready pods, rounded up,
   * unless the ratio is within the tolerance of 1.
   *
   * @param currentReplicas the target's replicas now
   * @param readyPods the target's pods that are ready
   */
  public int externalValueReplicas(double value, double target, int currentReplicas, int readyPods) {
    if (!(target > 0)) {
      throw new IllegalArgumentException("HPA target value must be positive, got " + target);
    }
    double ratio = value / target;
    if (currentReplicas == 0) {
      return (int) Math.ceil(ratio);
    }
    return withinTolerance(ratio) ? currentReplicas : (int) Math.ceil(ratio * readyPods);
  }

  private boolean withinTolerance(double ratio) {
    return ratio >= 1 - tolerance && ratio <= 1 + tolerance;
  }

  /**
   * Applies the behaviour and bounds to a recommendation and records it; call once per sync with
   * the metric's recommendation. Returns the replicas to set.
   */
  public int normalize(double now, int currentReplicas, int recommended) {
    if (!initialised) {
      // A new HPA starts its scale-down window from the current count, so it does not scale down at once.
      if (behavior.scaleDownWindowSeconds() > 0) {
        recommendations.add(new Recommendation(now, currentReplicas));
      }
      initialised = true;
    }
    int up = recommended;
    int down = recommended;
    for (Recommendation r : recommendations) {
      if (r.time() > now - behavior.scaleUpWindowSeconds()) {
        up = Math.min(up, r.replicas());
      }
      if (r.time() > now - behavior.scaleDownWindowSeconds()) {
        down = Math.max(down, r.replicas());
      }
    }
    double retention = Math.max(behavior.scaleUpWindowSeconds(), behavior.scaleDownWindowSeconds());
    recommendations.removeIf(r -> r.time() <= now - retention);
    recommendations.add(new Recommendation(now, recommended));

    int stabilized = currentReplicas;
    if (stabilized < up) {
      stabilized = up;
    }
    if (stabilized > down) {
      stabilized = down;
    }

    double longestPeriod = 0;
    for (HpaBehavior.Policy p : behavior.scaleUp()) {
      longestPeriod = Math.max(longestPeriod, p.periodSeconds());
    }
    for (HpaBehavior.Policy p : behavior.scaleDown()) {
      longestPeriod = Math.max(longestPeriod, p.periodSeconds());
    }
    double eventCutoff = now - longestPeriod;
    scaleUpEvents.removeIf(e -> e.time() <= eventCutoff);
    scaleDownEvents.removeIf(e -> e.time() <= eventCutoff);

    int desired = stabilized;
    if (stabilized > currentReplicas) {
      int limit = Math.max(currentReplicas, scaleUpLimit(now, currentReplicas));
      desired = Math.min(stabilized, Math.min(range.max(), limit));
    } else if (stabilized < currentReplicas) {
      int limit = Math.min(currentReplicas, scaleDownLimit(now, currentReplicas));
      desired = Math.max(stabilized, Math.max(range.min(), limit));
    }
    desired = range.clamp(desired);
    if (desired > currentReplicas) {
      scaleUpEvents.add(new ScaleEvent(now, desired - currentReplicas));
    } else if (desired < currentReplicas) {
      scaleDownEvents.add(new ScaleEvent(now, currentReplicas - desired));
    }
    return desired;
  }

  private int scaleUpLimit(double now, int current) {
    int result = Integer.MIN_VALUE;
    for (HpaBehavior.Policy p : behavior.scaleUp()) {
      int start = current - changeInPeriod(now, p.periodSeconds(), scaleUpEvents)
          + changeInPeriod(now, p.periodSeconds(), scaleDownEvents);
      int proposed = p.type() == HpaBehavior.Policy.Type.PODS
          ? start + p.value()
          : (int) Math.ceil(start * (1 + p.value() / 100.0));
      result = Math.max(result, proposed);
    }
    return result;
  }

  private int scaleDownLimit(double now, int current) {
    int result = Integer.MAX_VALUE;
    for (HpaBehavior.Policy p : behavior.scaleDown()) {
      int start = current - changeInPeriod(now, p.periodSeconds(), scaleUpEvents)
          + changeInPeriod(now, p.periodSeconds(), scaleDownEvents);
      int proposed = p.type() == HpaBehavior.Policy.Type.PODS
          ? start - p.value()
          : (int) (start * (1 - p.value() / 100.0));
      result = Math.min(result, proposed);
    }
    return result;
  }

  private static int changeInPeriod(double now, double period, List<ScaleEvent> events) {
    int sum = 0;
    for (ScaleEvent e : events) {
      if (e.time() + period > now) {
        sum += e.change();
      }
    }
    return sum;
  }
}
