package io.stableserve.sim;

import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.PaperModel;
import io.stableserve.solve.RememberedSaturation;
import io.stableserve.solve.SchedulerModel;
import io.stableserve.solve.StabilityModel;
import io.stableserve.workload.Workload;

/**
 * The solver of each {@link ModelKind}, with the saturated runs its scheduler model remembers. The
 * scheduler model is calibrated on the simulator's saturated engine, so the registry lives with the
 * simulator rather than in {@code solve}, which the simulator itself builds on.
 *
 * <p>A remembered run stands for every workload whose token moments round to its key
 * ({@link RememberedSaturation#key}), and it is the run of whichever of them came first. The
 * operator and the commands share one registry per process ({@link #shared}), so that every
 * service reuses the runs; a benchmark run takes its own ({@link #StabilityModels()}), so that its
 * decisions do not depend on which runs went before it.
 */
public final class StabilityModels {

  private static final int REMEMBERED_RUNS = 1024;

  private final SchedulerModel scheduler;

  /** Solvers that remember no saturated run yet. */
  public StabilityModels() {
    this.scheduler = new SchedulerModel(new RememberedSaturation(SaturatedEngine.standard()::measure, REMEMBERED_RUNS));
  }

  /** The process's solvers, whose remembered saturated runs every service and command shares. */
  public static StabilityModels shared() {
    return Shared.SOLVERS;
  }

  /** The shared solver of {@code kind}. */
  public static StabilityModel of(ModelKind kind) {
    return shared().solver(kind);
  }

  /** The shared scheduler model: the one {@link #of} gives for {@link ModelKind#SCHEDULER}. */
  public static SchedulerModel scheduler() {
    return shared().scheduler;
  }

  public StabilityModel solver(ModelKind kind) {
    return switch (kind) {
      case PAPER -> new PaperModel();
      case ITERATIVE -> new IterativeModel();
      case SCHEDULER -> scheduler;
    };
  }

  /**
   * Preemptions per completed request the model already prices: the scheduler model's saturated
   * run has them (its worst case); the paper and iterative models see none.
   */
  public double pricedPreemptionsPerCompletion(ModelKind kind, Workload workload, EngineConfig engine) {
    return kind == ModelKind.SCHEDULER ? scheduler.saturation(workload, engine).preemptionsPerCompletion() : 0;
  }

  private static final class Shared {
    static final StabilityModels SOLVERS = new StabilityModels();
  }
}
