package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;

/**
 * KEDA on the queue in front of the engines and in them, with {@code minReplicaCount} 0 or 1,
 * written from its documentation and defaults. Between 1 and n replicas it is the benchmark's KEDA on
 * the queue ({@link KedaQueueScaler}: the HPA it creates on the waiting requests, threshold 5), here
 * counting the requests the gateway holds too, since with no pod nothing else sees them. With
 * {@code minReplicaCount: 0}, activation (0 → 1) and deactivation (1 → 0) are KEDA's own: its operator
 * polls the triggers every {@code pollingInterval} (30 s); the ScaledObject is active while a trigger
 * is above its {@code activationThreshold} (0) and is scaled to 0 once no trigger has been active for
 * {@code cooldownPeriod} (300 s). The activation trigger counts the requests in flight (running,
 * waiting and held): the waiting queue alone is 0 under a load the replicas keep up with, and would
 * send a busy service to zero.
 */
public final class KedaGatewayQueue implements Autoscaler {

  public static final String NAME = "KEDA (queue and gateway)";

  public static final double POLLING_INTERVAL_SECONDS = 30;
  public static final double COOLDOWN_SECONDS = 300;
  public static final double ACTIVATION_THRESHOLD = 0;

  private final HorizontalPodAutoscaler hpa;
  private final double threshold;
  private final int max;
  private final int minReplicaCount;
  private double lastPoll = Double.NEGATIVE_INFINITY;
  private double lastActive = Double.NEGATIVE_INFINITY;

  /** @param minReplicaCount 0 (KEDA scales to and from zero) or 1 */
  public KedaGatewayQueue(ReplicaRange range, double threshold, HpaBehavior behavior, int minReplicaCount) {
    if (minReplicaCount != 0 && minReplicaCount != 1) {
      throw new IllegalArgumentException("minReplicaCount must be 0 or 1 here, got " + minReplicaCount);
    }
    this.max = range.max();
    this.minReplicaCount = minReplicaCount;
    // The HPA KEDA creates never goes below 1: 0 is KEDA's own.
    this.hpa = new HorizontalPodAutoscaler(behavior, new ReplicaRange(1, range.max()), HorizontalPodAutoscaler.DEFAULT_TOLERANCE);
    this.threshold = threshold;
  }

  @Override
  public String name() {
    return NAME + ", min " + minReplicaCount;
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    double now = metrics.now();
    double waiting = metrics.latestAtRouter();
    double inFlight = metrics.latestAtRouter();
    for (FleetMetrics.PodReading p : metrics.latest()) {
      waiting += p.waiting();
      inFlight += p.inFlight();
    }
    if (now - lastPoll >= POLLING_INTERVAL_SECONDS) {
      lastPoll = now;
      if (inFlight > ACTIVATION_THRESHOLD) {
        lastActive = now;
      }
    }
    if (minReplicaCount == 0 && specReplicas == 0) {
      return lastActive == now ? Math.min(1, max) : 0;
    }
    if (minReplicaCount == 0 && now - lastActive >= COOLDOWN_SECONDS) {
      return 0;
    }
    int recommended = hpa.externalAverageReplicas(waiting, specReplicas, threshold);
    return hpa.normalize(now, specReplicas, recommended);
  }
}
