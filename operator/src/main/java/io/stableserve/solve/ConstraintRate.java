package io.stableserve.solve;

/** The largest arrival rate (requests per second) one replica sustains under one constraint. */
public record ConstraintRate(Constraint constraint, double ratePerSecond) {
  public ConstraintRate {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalStateException(constraint + " rate must be positive and finite, got " + ratePerSecond);
    }
  }
}
