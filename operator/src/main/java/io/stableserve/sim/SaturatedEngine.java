package io.stableserve.sim;

import io.stableserve.sim.arrivals.LengthSampler;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.Saturation;
import io.stableserve.workload.Workload;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * One engine under an infinite backlog: its waiting queue never runs dry, so it admits as much as
 * vLLM's scheduler lets it and thrashes as much as it ever will. The completion rate measured so is
 * the engine's saturated throughput, which for an FCFS work-conserving server is its stability
 * boundary: once the queue is long the engine behaves as here, so the queue grows if and only if
 * arrivals outpace this rate. It is a much cheaper and steadier estimate than bisection on arrival
 * rates (one run, no near-critical wandering).
 *
 * <p>After a warm-up of {@code warmUp} completions, {@code measured} completions are timed; the
 * seed is fixed, so the result is deterministic.
 */
public final class SaturatedEngine {

  /** Requests kept waiting at every step; more than vLLM can admit in one step at the settings used. */
  private static final int BACKLOG = 256;

  private final int warmUp;
  private final int measured;
  private final long seed;

  public SaturatedEngine(int warmUp, int measured, long seed) {
    if (warmUp < 0 || measured < 100) {
      throw new IllegalArgumentException("a saturated run needs a warm-up >= 0 and at least 100 measured completions, got "
          + warmUp + " and " + measured);
    }
    this.warmUp = warmUp;
    this.measured = measured;
    this.seed = seed;
  }

  /** The setting {@code plan}, the operator and the validation use: 1,000 completions warm-up, 4,000 timed. */
  public static SaturatedEngine standard() {
    return new SaturatedEngine(1000, 4000, 1);
  }

  public Saturation measure(Workload workload, EngineConfig config) {
    EngineSetup spec = EngineSetup.of(config);
    Engine engine = new Engine(spec, new MersenneTwister(seed), CompletionListener.NONE);
    RandomGenerator random = new MersenneTwister(seed * 31 + 7);
    LengthSampler lengths = LengthSampler.of(workload);
    int[] draw = new int[2];
    long id = 0;
    double start = 0;
    long computed0 = 0;
    long recomputed0 = 0;
    long preemptions0 = 0;
    double kv0 = 0;
    boolean measuring = warmUp == 0;
    long target = warmUp + (long) measured;
    long guard = 0;
    while (engine.completed() < target) {
      int refused = 0;
      while (engine.waiting() < BACKLOG) {
        lengths.sample(random, draw);
        if (!engine.submit(id++, engine.now(), draw[0], draw[1]) && ++refused > 10 * BACKLOG) {
          throw new IllegalArgumentException("almost no request of " + workload.describe() + " fits in the KV cache of "
              + config.kvCacheTokens() + " tokens; raise the KV-cache capacity or cap request lengths");
        }
      }
      engine.advanceTo(engine.nextStepEnd());
      if (!measuring && engine.completed() >= warmUp) {
        measuring = true;
        start = engine.now();
        computed0 = engine.tokensComputed();
        recomputed0 = engine.recomputedTokens();
        preemptions0 = engine.preemptions();
        kv0 = engine.kvTokenSeconds();
        target = engine.completed() + measured;
      }
      if (++guard > 200_000_000L) {
        throw new IllegalStateException("saturated engine made no progress: " + spec);
      }
    }
    double seconds = engine.now() - start;
    long done = measured;
    return new Saturation(done / seconds,
        (double) (engine.recomputedTokens() - recomputed0) / done,
        (double) (engine.tokensComputed() - computed0) / done,
        (engine.kvTokenSeconds() - kv0) / seconds,
        (engine.preemptions() - preemptions0) * 3600.0 / seconds,
        seconds);
  }
}
