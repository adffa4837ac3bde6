package io.stableserve.sim;

import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.RequestSource;
import org.apache.commons.math3.random.MersenneTwister;

/**
 * One engine fed by one request source from empty for a fixed horizon, with the number of
 * requests in the system (running + waiting) sampled at a fixed interval: what the boundary finder
 * judges stability on.
 *
 * @param times sample times, seconds
 * @param inSystem requests in the engine at each sample time
 */
public record EngineRun(double horizonSeconds, double[] times, int[] inSystem, long arrivals, long completed,
    long rejected, long preemptions, long steps, double busySeconds, long tokensComputed, long recomputedTokens,
    double kvTokenSeconds) {

  public static EngineRun simulate(EngineSetup spec, RequestSource source, double horizonSeconds, int samples,
      long seed) {
    if (!(horizonSeconds > 0) || samples < 2) {
      throw new IllegalArgumentException("a run needs a positive horizon and at least 2 samples, got "
          + horizonSeconds + " s and " + samples);
    }
    Engine engine = new Engine(spec, new MersenneTwister(seed), CompletionListener.NONE);
    double[] times = new double[samples];
    int[] counts = new int[samples];
    double interval = horizonSeconds / samples;
    long arrivals = 0;
    long id = 0;
    for (int k = 0; k < samples; k++) {
      double t = (k + 1) * interval;
      while (source.nextTime() <= t) {
        Arrival a = source.next();
        engine.submit(id++, a.time(), a.promptTokens(), a.outputTokens());
        arrivals++;
      }
      engine.advanceTo(t);
      times[k] = t;
      counts[k] = engine.inSystem();
    }
    return new EngineRun(horizonSeconds, times, counts, arrivals, engine.completed(), engine.rejected(),
        engine.preemptions(), engine.steps(), engine.busySeconds(), engine.tokensComputed(),
        engine.recomputedTokens(), engine.kvTokenSeconds());
  }

  /** Least-squares slope of the number in system over the second half of the run, requests per second. */
  public double secondHalfDrift() {
    int from = times.length / 2;
    int n = times.length - from;
    double mt = 0, mn = 0;
    for (int k = from; k < times.length; k++) {
      mt += times[k];
      mn += inSystem[k];
    }
    mt /= n;
    mn /= n;
    double sxy = 0, sxx = 0;
    for (int k = from; k < times.length; k++) {
      sxy += (times[k] - mt) * (inSystem[k] - mn);
      sxx += (times[k] - mt) * (times[k] - mt);
    }
    return sxy / sxx;
  }

  public double preemptionsPerHour() {
    return preemptions * 3600.0 / horizonSeconds;
  }

  /** Share of the computed tokens that preemption threw away and were computed again. */
  public double recomputedShare() {
    return tokensComputed == 0 ? 0 : (double) recomputedTokens / tokensComputed;
  }

  /** Mean KV tokens resident over the run. */
  public double meanKvTokens() {
    return kvTokenSeconds / horizonSeconds;
  }

  public double meanInSystemSecondHalf() {
    int from = times.length / 2;
    double sum = 0;
    for (int k = from; k < times.length; k++) {
      sum += inSystem[k];
    }
    return sum / (times.length - from);
  }
}
