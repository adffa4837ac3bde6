package io.stableserve.solve;

import java.util.Locale;

/**
 * The stability models by name: the API's {@code spec.model}, the command line's {@code --model} and
 * the benchmark name them here. {@code pipeline.StabilityModels} gives each one's solver.
 */
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
}
