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
      case SCHEDULER -> new SchedulerModel(SaturatedEngine.standard()::measure);
    };
  }
}
