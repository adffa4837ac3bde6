package io.stableserve.reconcile;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.workload.Workload;
import java.util.Optional;

/**
 * Engine settings that would widen a replica's stable region for the observed workload. The
 * operator reports them (status, and an Event above {@link #EVENT_GAIN}); it never changes the
 * engine itself.
 */
@FunctionalInterface
public interface EngineAdvisor {

  /** Gains above this (5%) are announced as an Event. */
  double EVENT_GAIN = 0.05;

  Optional<EngineAdvice> advise(Workload workload, EngineConfig engine, Capacity current);

  /** Gives no advice: for models that cannot tell how a setting changes the stable rate. */
  static EngineAdvisor none() {
    return (workload, engine, current) -> Optional.empty();
  }
}
