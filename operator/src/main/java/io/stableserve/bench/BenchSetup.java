package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.EngineSetup;

/**
 * What every run of one cell of the benchmark shares: one engine, one seed, one stage.
 *
 * @param engine every replica's engine (one GPU each)
 * @param startupSeconds how long a new replica takes to serve
 * @param maxModelLen the model's context length (the token histograms' buckets end there)
 * @param range the replica range every policy is given
 * @param ttftTargetSeconds the TTFT SLO
 * @param seed seeds the request sources and the engines
 * @param stableServe StableServe's own settings
 * @param engineName the engine's short name in reports ({@code h100}, {@code a100})
 * @param stage where requests wait: pinned to a replica, or at a gateway
 */
public record BenchSetup(EngineSetup engine, double startupSeconds, long maxModelLen, ReplicaRange range,
    double ttftTargetSeconds, long seed, StableServeSettings stableServe, String engineName, Stage stage) {

  /** The control period of the policies that follow the HPA's sync period, and of the counter snapshots. */
  public static final double CONTROL_PERIOD_SECONDS = 15;

  public BenchSetup {
    if (engine == null || range == null || stableServe == null || stage == null) {
      throw new IllegalArgumentException("a benchmark needs an engine, a replica range and a stage");
    }
    if (!(startupSeconds >= 0)) {
      throw new IllegalArgumentException("start-up delay must be >= 0 s, got " + startupSeconds);
    }
    if (!(ttftTargetSeconds > 0)) {
      throw new IllegalArgumentException("TTFT target must be positive, got " + ttftTargetSeconds);
    }
    engineName = engineName == null || engineName.isBlank() ? "engine" : engineName;
  }

  /** One engine, pinned requests. */
  public BenchSetup(EngineSetup engine, double startupSeconds, long maxModelLen, ReplicaRange range,
      double ttftTargetSeconds, long seed, StableServeSettings stableServe) {
    this(engine, startupSeconds, maxModelLen, range, ttftTargetSeconds, seed, stableServe, "engine", Stage.PINNED);
  }

  public BenchSetup withStartupSeconds(double seconds) {
    return new BenchSetup(engine, seconds, maxModelLen, range, ttftTargetSeconds, seed, stableServe, engineName, stage);
  }

  public BenchSetup withSeed(long other) {
    return new BenchSetup(engine, startupSeconds, maxModelLen, range, ttftTargetSeconds, other, stableServe, engineName, stage);
  }

  public BenchSetup withStage(Stage other) {
    return new BenchSetup(engine, startupSeconds, maxModelLen, range, ttftTargetSeconds, seed, stableServe, engineName, other);
  }

  /** "stage, engine, seed N", for headings. */
  public String cell() {
    return stage.key() + ", " + engineName + ", seed " + seed;
  }
}
