package io.stableserve.bench;

import io.stableserve.decide.Mix;

/**
 * A bound on the mixed fleet run as a policy, as {@link PlannedCounts} is for one type: the mix to
 * have asked for at each second comes from a plan of one mix per interval known in advance, not
 * from the metrics. Decides every second, so that no count is late for the plan's own reasons.
 */
abstract class PlannedMix implements MixAutoscaler {

  /** Per variant, its count in each interval of the plan. */
  protected final int[][] byVariant;
  protected final double intervalSeconds;

  PlannedMix(Mix[] plan, double intervalSeconds) {
    if (plan.length == 0 || !(intervalSeconds > 0)) {
      throw new IllegalArgumentException("a plan needs at least one interval of positive length");
    }
    this.byVariant = new int[plan[0].size()][plan.length];
    for (int k = 0; k < plan.length; k++) {
      for (int v = 0; v < plan[k].size(); v++) {
        byVariant[v][k] = plan[k].count(v);
      }
    }
    this.intervalSeconds = intervalSeconds;
  }

  /** The mix to have asked for at {@code t}, seconds into the run. */
  public abstract Mix desired(double t);

  @Override
  public double periodSeconds() {
    return 1;
  }

  @Override
  public Mix decide(FleetMetrics metrics, Mix spec, Mix ready) {
    return desired(metrics.now());
  }
}
