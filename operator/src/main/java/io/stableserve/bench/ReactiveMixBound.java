package io.stableserve.bench;

import io.stableserve.decide.Mix;

/**
 * The reactive bound on the mixed fleet: the oracle mix's plan ({@link MixedLoad#plan}) read as
 * {@link ReactiveBound} reads the oracle's counts. Each interval's cheapest mix becomes known once
 * the interval is over, is asked for then and serves a start-up delay later; each variant's count
 * is held for the operator's scale-down window (its most among the intervals known within it), as
 * the oracle mix holds each variant's most over the start-up ahead. Beside the oracle mix it
 * measures what foresight is worth on the mix: a policy that reads the load exactly, one interval
 * late, costs what this bound costs at best. Its factor is searched as the oracle mix's.
 */
public final class ReactiveMixBound extends PlannedMix {

  public static final String NAME = "reactive mix bound";

  private final double holdSeconds;

  public ReactiveMixBound(Mix[] plan, double intervalSeconds, double holdSeconds) {
    super(plan, intervalSeconds);
    if (!(holdSeconds >= 0) || Double.isInfinite(holdSeconds)) {
      throw new IllegalArgumentException("the hold must be a finite number of seconds >= 0, got " + holdSeconds);
    }
    this.holdSeconds = holdSeconds;
  }

  /**
   * Each variant's most among the intervals that were the newest known at some time within the last
   * {@code holdSeconds}; an interval is known once it has ended. Before the first has ended, the
   * first's mix (every run starts with the replicas its opening needs).
   */
  @Override
  public Mix desired(double t) {
    int[] counts = new int[byVariant.length];
    for (int v = 0; v < byVariant.length; v++) {
      counts[v] = ReactiveBound.mostKnown(byVariant[v], intervalSeconds, holdSeconds, t);
    }
    return Mix.of(counts);
  }

  @Override
  public String name() {
    return NAME;
  }
}
