package io.stableserve.decide;

import java.util.Objects;
import java.util.Optional;

/**
 * The measured arrival rate λ̂ and its standard error, both in requests per second, and a rise of
 * the rate inside the window when one was found.
 *
 * <p>The standard error widens the scale-down margin: fewer replicas are chosen only when they
 * would still hold the upper confidence bound λ̂ + z·σ at the target utilisation. A rise sizes
 * scale-ups for the rate since the rise rather than the window's mean, which lags it.
 */
public record ArrivalRate(double rate, double standardError, Optional<Rise> rise, Optional<Trend> trend) {

  public ArrivalRate {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("arrival rate λ̂ must be a finite number >= 0 req/s, got " + rate);
    }
    if (!(standardError >= 0) || Double.isInfinite(standardError)) {
      throw new IllegalArgumentException("standard error of λ̂ must be a finite number >= 0 req/s, got " + standardError);
    }
    rise = Objects.requireNonNullElse(rise, Optional.empty());
    trend = Objects.requireNonNullElse(trend, Optional.empty());
  }

  public ArrivalRate(double rate, double standardError, Optional<Rise> rise) {
    this(rate, standardError, rise, Optional.empty());
  }

  public ArrivalRate(double rate, double standardError) {
    this(rate, standardError, Optional.empty(), Optional.empty());
  }

  /** The decide step's view of the estimate stage's λ̂: the rate, its standard error and the rise. */
  public static ArrivalRate of(io.stableserve.estimate.ArrivalEstimate estimate) {
    return new ArrivalRate(estimate.ratePerSecond(), estimate.standardError(),
        estimate.rise().map(r -> new Rise(r.rateAfter(), r.standardErrorAfter(), r.secondsAgo())),
        estimate.trend().map(t -> new Trend(t.slope(), t.rateAtEnd(), t.spanSeconds())));
  }

  /** A rate known without error (simulations, tests). */
  public static ArrivalRate exact(double rate) {
    return new ArrivalRate(rate, 0);
  }

  public double upperBound(double z) {
    return rate + z * standardError;
  }

  /**
   * The arrival rate since it rose, {@code secondsAgo} before the decision.
   *
   * @param rate req/s since the rise
   * @param standardError one standard error of {@code rate}
   * @param secondsAgo how long ago the rise began
   */
  public record Rise(double rate, double standardError, double secondsAgo) {
    public Rise {
      if (!(rate >= 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("arrival rate since a rise must be a finite number >= 0 req/s, got " + rate);
      }
      if (!(standardError >= 0) || Double.isInfinite(standardError)) {
        throw new IllegalArgumentException("standard error of the rate since a rise must be finite and >= 0, got " + standardError);
      }
      if (!(secondsAgo >= 0) || Double.isInfinite(secondsAgo)) {
        throw new IllegalArgumentException("time since a rise must be a finite number of seconds >= 0, got " + secondsAgo);
      }
    }
  }

  /**
   * A sustained trend of the rate: the rate on the trend's line at the decision and its slope.
   *
   * @param slope req/s per second
   * @param rateAtEnd req/s at the decision
   * @param spanSeconds how long the line was fitted over; it is not extrapolated further than that
   */
  public record Trend(double slope, double rateAtEnd, double spanSeconds) {
    public Trend {
      if (!Double.isFinite(slope) || !(rateAtEnd >= 0) || !Double.isFinite(rateAtEnd) || !(spanSeconds > 0) || !Double.isFinite(spanSeconds)) {
        throw new IllegalArgumentException("a trend needs a finite slope, a rate >= 0 and a positive span, got "
            + slope + ", " + rateAtEnd + ", " + spanSeconds);
      }
    }

    /** The rate on the line {@code seconds} ahead, extrapolated no further than the span, at least 0. */
    public double rateAhead(double seconds) {
      return Math.max(0, rateAtEnd + slope * Math.min(seconds, spanSeconds));
    }
  }
}
