package io.stableserve.decide;

/**
 * The measured arrival rate λ̂ and its standard error, both in requests per second.
 *
 * <p>The standard error widens the scale-down margin: fewer replicas are chosen only when they
 * would still hold the upper confidence bound λ̂ + z·σ at the target utilisation.
 */
public record ArrivalEstimate(double rate, double standardError) {

  public ArrivalEstimate {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("arrival rate λ̂ must be a finite number >= 0 req/s, got " + rate);
    }
    if (!(standardError >= 0) || Double.isInfinite(standardError)) {
      throw new IllegalArgumentException("standard error of λ̂ must be a finite number >= 0 req/s, got " + standardError);
    }
  }

  /** A rate known without error (simulations, tests). */
  public static ArrivalEstimate exact(double rate) {
    return new ArrivalEstimate(rate, 0);
  }

  public double upperBound(double z) {
    return rate + z * standardError;
  }
}
