package io.stableserve.sim;

import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The empirical stability boundary of one engine: the largest Poisson arrival rate that the
 * {@link StabilityCriterion} calls stable, found by bracketing from a starting guess (steps of
 * ×1.25 or ×0.8) and then bisection until the bracket [stable, not shown stable] is narrower than
 * the resolution (relative to its upper end). Run i at every rate uses the same seed (common random
 * numbers), so neighbouring rates are compared on the same arrival pattern.
 */
public final class BoundaryFinder {

  private static final int SAMPLES_PER_RUN = 400;
  private static final int MAX_BRACKET_STEPS = 25;

  private final EngineSetup engine;
  private final Workload workload;
  private final StabilityCriterion criterion;
  private final double resolution;
  private final long seed;
  private final int threads;

  public BoundaryFinder(EngineSetup engine, Workload workload, StabilityCriterion criterion, double resolution,
      long seed, int threads) {
    if (!(resolution > 0 && resolution < 0.5)) {
      throw new IllegalArgumentException("resolution must be a relative width in (0, 0.5), got " + resolution);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.engine = engine;
    this.workload = workload;
    this.criterion = criterion;
    this.resolution = resolution;
    this.seed = seed;
    this.threads = threads;
  }

  /**
   * One rate tried: the verdict, and what the runs saw (means over the runs).
   *
   * @param recomputedShare share of computed tokens that preemption threw away
   * @param meanKvTokens mean KV tokens resident
   */
  public record Probe(double rate, StabilityCriterion.Verdict verdict, double preemptionsPerHour,
      double meanInSystem, double utilization, double recomputedShare, double meanKvTokens) {}

  /**
   * @param stableRate the largest rate found stable
   * @param unstableRate the smallest rate above it not shown stable
   * @param atBoundary the probe at {@code stableRate}
   * @param simulatedSeconds engine-seconds simulated in all
   */
  public record Boundary(double stableRate, double unstableRate, Probe atBoundary, List<Probe> probes,
      double simulatedSeconds, double wallSeconds) {}

  public Boundary find(double startRate) {
    if (!(startRate > 0) || Double.isInfinite(startRate)) {
      throw new IllegalArgumentException("starting rate must be a positive finite number of req/s, got "
          + startRate);
    }
    long started = System.nanoTime();
    List<Probe> probes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Probe first = probe(startRate, pool);
      probes.add(first);
      Probe lo;
      Probe hi;
      if (first.verdict().stable()) {
        lo = first;
        hi = null;
        for (int i = 0; i < MAX_BRACKET_STEPS && hi == null; i++) {
          Probe p = probe(lo.rate() * 1.25, pool);
          probes.add(p);
          if (p.verdict().stable()) {
            lo = p;
          } else {
            hi = p;
          }
        }
        if (hi == null) {
          throw new IllegalStateException("no unstable rate found up to " + lo.rate() + " req/s");
        }
      } else {
        hi = first;
        lo = null;
        for (int i = 0; i < MAX_BRACKET_STEPS && lo == null; i++) {
          Probe p = probe(hi.rate() * 0.8, pool);
          probes.add(p);
          if (p.verdict().stable()) {
            lo = p;
          } else {
            hi = p;
          }
        }
        if (lo == null) {
          throw new IllegalStateException("no stable rate found down to " + hi.rate() + " req/s");
        }
      }
      while ((hi.rate() - lo.rate()) / hi.rate() > resolution) {
        Probe p = probe((lo.rate() + hi.rate()) / 2, pool);
        probes.add(p);
        if (p.verdict().stable()) {
          lo = p;
        } else {
          hi = p;
        }
      }
      double simulated = probes.size() * (double) criterion.runs() * criterion.horizonSeconds();
      return new Boundary(lo.rate(), hi.rate(), lo, List.copyOf(probes), simulated,
          (System.nanoTime() - started) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs the criterion's runs at one rate. */
  public Probe probe(double rate, ExecutorService pool) {
    List<Future<EngineRun>> futures = new ArrayList<>();
    for (int i = 0; i < criterion.runs(); i++) {
      long runSeed = seed * 7919 + i;
      futures.add(pool.submit(() -> EngineRun.simulate(engine, PoissonSource.constant(rate, workload, runSeed),
          criterion.horizonSeconds(), SAMPLES_PER_RUN, runSeed)));
    }
    List<EngineRun> runs = new ArrayList<>();
    try {
      for (Future<EngineRun> f : futures) {
        runs.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while simulating", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    StabilityCriterion.Verdict verdict = criterion.judge(rate, StabilityCriterion.drifts(runs));
    double preemptions = runs.stream().mapToDouble(EngineRun::preemptionsPerHour).average().orElseThrow();
    double inSystem = runs.stream().mapToDouble(EngineRun::meanInSystemSecondHalf).average().orElseThrow();
    double busy = runs.stream().mapToDouble(r -> r.busySeconds() / r.horizonSeconds()).average().orElseThrow();
    double recomputed = runs.stream().mapToDouble(EngineRun::recomputedShare).average().orElseThrow();
    double kv = runs.stream().mapToDouble(EngineRun::meanKvTokens).average().orElseThrow();
    return new Probe(rate, verdict, preemptions, inSystem, Math.min(1, busy), recomputed, kv);
  }
}
