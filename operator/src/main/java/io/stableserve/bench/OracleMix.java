package io.stableserve.bench;

import io.stableserve.decide.Mix;

/**
 * The oracle mix: it knows the future. For each interval, the cheapest mix within the bounds whose
 * empirical capacity is the interval's arrival rate times a factor f ({@link MixedLoad#plan}), each
 * variant's replicas asked for a start-up delay ahead of the interval that needs them, as the SLO
 * bound does for one type ({@link SloBound}); f is searched the same way.
 */
public final class OracleMix extends PlannedMix {

  public static final String NAME = "oracle mix";

  private final double startupSeconds;

  public OracleMix(Mix[] plan, double intervalSeconds, double startupSeconds) {
    super(plan, intervalSeconds);
    if (!(startupSeconds >= 0)) {
      throw new IllegalArgumentException("start-up must be >= 0, got " + startupSeconds);
    }
    this.startupSeconds = startupSeconds;
  }

  /** Each variant's most of any interval that [t, t + S] touches. */
  @Override
  public Mix desired(double t) {
    int[] counts = new int[byVariant.length];
    for (int v = 0; v < byVariant.length; v++) {
      counts[v] = SloBound.mostAhead(byVariant[v], intervalSeconds, startupSeconds, t);
    }
    return Mix.of(counts);
  }

  @Override
  public String name() {
    return NAME;
  }
}
