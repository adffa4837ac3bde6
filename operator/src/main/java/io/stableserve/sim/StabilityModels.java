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
 * The solver of each {@link ModelKind}. The scheduler model is calibrated on the simulator's
 * saturated engine, so the registry lives with the simulator rather than in {@code solve}, which
 * the simulator itself builds on.
 */
public final class StabilityModels {

  private StabilityModels() {}

  public static StabilityModel of(ModelKind kind) {
    return switch (kind) {
      case PAPER -> new PaperModel();
      case ITERATIVE -> new IterativeModel();
      case SCHEDULER -> Standard.SCHEDULER;
    };
  }

  /**
   * Preemptions per completed request the model already prices: the scheduler model's saturated
   * run has them (its worst case); the paper and iterative models see none.
   */
  public static double pricedPreemptionsPerCompletion(ModelKind kind, Workload workload, EngineConfig engine) {
    return kind == ModelKind.SCHEDULER ? scheduler().saturation(workload, engine).preemptionsPerCompletion() : 0;
  }

  /** The process's scheduler model: the one {@link #of} gives for {@link ModelKind#SCHEDULER}. */
  public static SchedulerModel scheduler() {
    return Standard.SCHEDULER;
  }

  /** One scheduler model per process, so that every service and command shares its remembered saturated runs. */
  private static final class Standard {
    static final SchedulerModel SCHEDULER =
        new SchedulerModel(new RememberedSaturation(SaturatedEngine.standard()::measure, 1024));
  }
}
