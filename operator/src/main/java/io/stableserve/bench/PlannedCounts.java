package io.stableserve.bench;

/**
 * A bound run in the fleet as a policy: the count to have asked for at each second comes from a
 * plan known in advance, not from the metrics. Decides every second, so that no count is late for
 * the plan's own reasons.
 */
abstract class PlannedCounts implements Autoscaler {

  /** The replicas to have asked for at {@code t}, seconds into the run. */
  public abstract int desired(double t);

  /** Ready at time 0, as every run's first replicas are. */
  public int initialReplicas() {
    return desired(0);
  }

  @Override
  public double periodSeconds() {
    return 1;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    return desired(metrics.now());
  }
}
