package io.stableserve.solve;

import io.stableserve.sim.SaturatedEngine;
import java.util.Locale;

/** Which stability model solves for capacity. */
public enum ModelKind {
  /** The paper's model: μ = M / (b̄·E[g]), memory only. */
  PAPER,
  /** Self-consistent step time with the memory, compute, token-budget and sequence-cap constraints. */
  ITERATIVE,
  /** vLLM's scheduler: the iterative constraints plus its saturated throughput with preemption and recomputation. */
  SCHEDULER;

  public static ModelKind parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown model '" + text + "'; expected paper, iterative or scheduler", e);
    }
  }

  public StabilityModel model() {
    return switch (this) {
      case PAPER -> new PaperModel();
      case ITERATIVE -> new IterativeModel();
      case SCHEDULER -> Standard.SCHEDULER;
    };
  }

  /**
   * Preemptions per completed request this model already prices: the scheduler model's saturated
   * run has them (its worst case); the paper and iterative models see none.
   */
  public double pricedPreemptionsPerCompletion(io.stableserve.workload.Workload workload, EngineConfig engine) {
    return this == SCHEDULER ? scheduler().saturation(workload, engine).preemptionsPerCompletion() : 0;
  }

  /** The process's scheduler model: the one {@link #model()} gives for {@link #SCHEDULER}. */
  public static SchedulerModel scheduler() {
    return Standard.SCHEDULER;
  }

  /** One scheduler model per process, so that every service and command shares its remembered saturated runs. */
  private static final class Standard {
    static final SchedulerModel SCHEDULER =
        new SchedulerModel(new RememberedSaturation(SaturatedEngine.standard()::measure, 1024));
  }
}
