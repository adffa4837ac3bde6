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
    if (constraints.stream().noneMatch(c -> c.constraint() != Constraint.COMPUTE)) {
      throw new IllegalArgumentException("a capacity needs a constraint other than compute");
    }
    for (double v : new double[] {stableRate, stabilityBound, instabilityBound, delta, memoryArea, stepSecondsAtCapacity}) {
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new IllegalStateException("capacity has a non-finite figure: " + v);
      }
    }
  }

  /**
   * The constraint that binds. Every rate of the iterative model has the form 1 / (a + K), with K
   * the load-dependent step time per request (c₁·E[s+o] + c₂·E[g]) and a the constraint's own term,
   * while compute alone gives 1 / K; so compute is never strictly the smallest rate. It is named the
   * bottleneck when K outweighs the own term of the smallest other rate (that rate above half the
   * compute rate): then most of the step time at capacity is load, and a bigger cache or a higher
   * cap would gain less than a faster step.
   */
  public Constraint bottleneck() {
    ConstraintRate smallest = constraints.stream()
        .filter(c -> c.constraint() != Constraint.COMPUTE)
        .min(Comparator.comparingDouble(ConstraintRate::ratePerSecond))
        .orElseThrow();
    return rate(Constraint.COMPUTE)
        .filter(compute -> smallest.ratePerSecond() > compute.ratePerSecond() / 2)
        .map(ConstraintRate::constraint)
        .orElse(smallest.constraint());
  }

  public Optional<ConstraintRate> rate(Constraint constraint) {
    return constraints.stream().filter(c -> c.constraint() == constraint).findFirst();
  }
}
