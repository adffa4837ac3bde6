package io.stableserve.bench;

import io.stableserve.sim.BoundaryFinder;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.StabilityCriterion;
import io.stableserve.solve.IterativeModel;
import io.stableserve.workload.Workload;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One replica's stable rate as the simulator shows it: the project's {@link BoundaryFinder} on a
 * single engine under Poisson arrivals with the workload's lengths, started from the iterative
 * model's rate. Remembered per length distribution.
 *
 * <p>The criterion is lighter than the validation's (4 runs of 30 simulated minutes, drift below
 * 2% of λ with 90% confidence, 5% resolution), to keep the benchmark to minutes; it is still
 * conservative by construction (a rate is stable only when shown stable).
 */
public final class EmpiricalCapacity {

  public static final StabilityCriterion CRITERION = new StabilityCriterion(4, 1800, 0.02, 0.90);
  public static final double RESOLUTION = 0.05;

  private final EngineSetup engine;
  private final long seed;
  private final Map<Workload, Double> rates = new IdentityHashMap<>();

  public EmpiricalCapacity(EngineSetup engine, long seed) {
    this.engine = engine;
    this.seed = seed;
  }

  /** The largest rate shown stable for one replica serving these lengths, req/s. */
  public synchronized double stableRate(Workload lengths) {
    return rates.computeIfAbsent(lengths, w -> {
      double model = new IterativeModel().solve(w, engine.config()).stableRate();
      BoundaryFinder finder = new BoundaryFinder(engine, w, CRITERION, RESOLUTION, seed,
          Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
      return finder.find(0.8 * model).stableRate();
    });
  }
}
