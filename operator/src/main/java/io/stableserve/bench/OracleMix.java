package io.stableserve.bench;

import io.stableserve.decide.Mix;

/**
 * The oracle mix: it knows the future. For each interval, the cheapest mix within the bounds whose
 * empirical capacity is the interval's arrival rate times a factor f ({@link MixedLoad#plan}), each
 * variant's replicas asked for a start-up delay ahead of the interval that needs them, as the SLO
 * bound does for one type ({@link SloBound}); f is searched the same way.
 */
public final class OracleMix implements MixAutoscaler {

  public static final String NAME = "oracle mix";

  private final int[][] byVariant;
  private final double intervalSeconds;
  private final double startupSeconds;

  public OracleMix(Mix[] plan, double intervalSeconds, double startupSeconds) {
    if (plan.length == 0 || !(intervalSeconds > 0) || !(startupSeconds >= 0)) {
      throw new IllegalArgumentException("a plan needs at least one interval of positive length and a start-up >= 0");
    }
    this.byVariant = new int[plan[0].size()][plan.length];
    for (int k = 0; k < plan.length; k++) {
      for (int v = 0; v < plan[k].size(); v++) {
        byVariant[v][k] = plan[k].count(v);
      }
    }
    this.intervalSeconds = intervalSeconds;
    this.startupSeconds = startupSeconds;
  }

  /** Each variant's most of any interval that [t, t + S] touches. */
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

  /** Every second, so that a replica is asked for exactly a start-up delay ahead. */
  @Override
  public double periodSeconds() {
    return 1;
  }

  @Override
  public Mix decide(FleetMetrics metrics, Mix spec, Mix ready) {
    return desired(metrics.now());
  }
}
