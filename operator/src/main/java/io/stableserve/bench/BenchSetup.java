package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.EngineSetup;

/**
 * What every run of the benchmark shares.
 *
 * @param engine every replica's engine (one GPU each)
 * @param startupSeconds how long a new replica takes to serve
 * @param maxModelLen the model's context length (the token histograms' buckets end there)
 * @param range the replica range every policy is given
 * @param ttftTargetSeconds the TTFT SLO
 * @param seed seeds the request sources and the engines
 * @param stableServe StableServe's own settings
 */
public record BenchSetup(EngineSetup engine, double startupSeconds, long maxModelLen, ReplicaRange range,
    double ttftTargetSeconds, long seed, StableServeSettings stableServe) {

  /** The control period of the policies that follow the HPA's sync period, and of the counter snapshots. */
  public static final double CONTROL_PERIOD_SECONDS = 15;

  public BenchSetup {
    if (engine == null || range == null || stableServe == null) {
      throw new IllegalArgumentException("a benchmark needs an engine and a replica range");
    }
    if (!(startupSeconds >= 0)) {
      throw new IllegalArgumentException("start-up delay must be >= 0 s, got " + startupSeconds);
    }
    if (!(ttftTargetSeconds > 0)) {
      throw new IllegalArgumentException("TTFT target must be positive, got " + ttftTargetSeconds);
    }
  }

  public BenchSetup withStartupSeconds(double seconds) {
    return new BenchSetup(engine, seconds, maxModelLen, range, ttftTargetSeconds, seed, stableServe);
  }
}
