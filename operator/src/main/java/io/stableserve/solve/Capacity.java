package io.stableserve.solve;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What one replica can serve.
 *
 * @param model the model that solved it
 * @param stableRate the largest arrival rate (req/s) one replica serves stably under that model;
 *     provisioning divides by it
 * @param stabilityBound below this rate the system is provably stable (paper: μ·(1 − δ))
 * @param instabilityBound above this rate the queue grows without bound (paper: μ)
 * @param delta δ = ess sup(s + o) / M, the largest request's share of the cache
 * @param memoryArea E[g], mean memory area of a request in token-steps
 * @param stepSecondsAtCapacity the mean step time when the replica runs at {@code stableRate}
 * @param constraints each constraint's own rate; the smallest is {@code stableRate}'s
 */
public record Capacity(
    ModelKind model,
    double stableRate,
    double stabilityBound,
    double instabilityBound,
    double delta,
    double memoryArea,
    double stepSecondsAtCapacity,
    List<ConstraintRate> constraints) {

  public Capacity {
    constraints = List.copyOf(constraints);
    if (constraints.isEmpty()) {
      throw new IllegalArgumentException("a capacity needs at least one constraint");
    }
    for (double v : new double[] {stableRate, stabilityBound, instabilityBound, delta, memoryArea, stepSecondsAtCapacity}) {
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new IllegalStateException("capacity has a non-finite figure: " + v);
      }
    }
  }

  /** The constraint with the smallest rate. */
  public Constraint bottleneck() {
    return constraints.stream().min(Comparator.comparingDouble(ConstraintRate::ratePerSecond)).orElseThrow().constraint();
  }

  public Optional<ConstraintRate> rate(Constraint constraint) {
    return constraints.stream().filter(c -> c.constraint() == constraint).findFirst();
  }
}
