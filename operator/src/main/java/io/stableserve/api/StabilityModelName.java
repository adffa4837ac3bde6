package io.stableserve.api;

import io.stableserve.solve.ModelKind;

/** The stability model named in a spec; see {@link ModelKind} for the models themselves. */
public enum StabilityModelName {
  /** Load-dependent step time with the memory, compute, token-budget and sequence-cap constraints. */
  Iterative,
  /** The paper's model: memory only, constant step time. */
  Paper,
  /** vLLM's scheduler: the iterative constraints plus its saturated throughput with preemption and recomputation. */
  Scheduler;

  /** The spec's name of a solver model kind. */
  public static StabilityModelName of(ModelKind kind) {
    return valueOf(kind.name().charAt(0) + kind.name().substring(1).toLowerCase(java.util.Locale.ROOT));
  }

  /** The solver's model kind; fails with a clear message while the solver does not know the model. */
  public ModelKind kind() {
    return ModelKind.parse(name());
  }
}
