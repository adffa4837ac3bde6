package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;

/**
 * The reactive bound: what meeting the SLO costs a policy that reads the load perfectly but cannot
 * see ahead. Each minute's oracle count n_k ({@link Oracle}) becomes known once that minute is over;
 * ⌈f · n_k⌉ is asked for then and serves a start-up delay later, like any policy's new replica; and
 * a count is held for the operator's scale-down window (the largest of the counts known within it),
 * as StableServe and the HPA hold theirs. Beside the {@link SloBound}, which asks for each minute's
 * replicas a start-up ahead, it separates what foresight is worth from what reading the load costs:
 * a policy above this bound loses to its own estimates, one between the two bounds to not knowing
 * the future.
 *
 * <p>The factor is searched as the SLO bound's ({@link SloBound#search}), on the same grid.
 */
public final class ReactiveBound extends PlannedCounts {

  public static final String NAME = "reactive bound";

  private final int[] schedule;
  private final double intervalSeconds;
  private final double holdSeconds;

  private ReactiveBound(int[] schedule, double intervalSeconds, double holdSeconds) {
    this.schedule = schedule;
    this.intervalSeconds = intervalSeconds;
    this.holdSeconds = holdSeconds;
  }

  /** The oracle's plan times {@code factor}, each count known once its minute is over and held for {@code holdSeconds}. */
  public static ReactiveBound of(Oracle oracle, double factor, ReplicaRange range, double holdSeconds) {
    if (!(factor > 0) || !(holdSeconds >= 0) || Double.isInfinite(holdSeconds)) {
      throw new IllegalArgumentException("factor must be positive and the hold a finite number of seconds >= 0, got " + factor
          + " and " + holdSeconds);
    }
    return new ReactiveBound(SloBound.scaled(oracle, factor, range), oracle.intervalSeconds(), holdSeconds);
  }

  /**
   * The replicas to ask for at {@code t}: the largest count among the intervals known at some time
   * within the last {@code holdSeconds}; an interval is known once it has ended. Before the first has
   * ended, the first's count (every run starts with the replicas its opening needs).
   */
  @Override
  public int desired(double t) {
    return mostKnown(schedule, intervalSeconds, holdSeconds, t);
  }

  /**
   * The most of the intervals of {@code schedule} that were the newest known at some time within
   * [t − hold, t]; an interval is known once it has ended, and before the first has, the first.
   */
  static int mostKnown(int[] schedule, double intervalSeconds, double holdSeconds, double t) {
    return SloBound.most(schedule, (int) Math.floor((t - holdSeconds) / intervalSeconds) - 1, (int) Math.floor(t / intervalSeconds) - 1);
  }

  @Override
  public String name() {
    return NAME;
  }
}
