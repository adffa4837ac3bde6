package io.stableserve.estimate;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The arrival rate λ̂ of a service and how sure we are of it.
 *
 * <p>Arrivals are counted as completions plus the growth of the backlog: over a window of length
 * W, A = C + (N(t) − N(t − W)) with N = running + waiting, so λ̂ = A / W. Completions alone are
 * capped at the service rate exactly when the service is overloaded, which would hide instability.
 *
 * @param ratePerSecond λ̂, requests per second, summed over replicas (never negative: a backlog that
 *     shrinks faster than anything completes is measurement noise, clamped to 0)
 * @param standardError one standard error (1σ) of λ̂, in req/s; see {@code basis}
 * @param basis how the standard error was obtained
 * @param source where the arrivals came from
 * @param completionsPerSecond C / W
 * @param backlogGrowthPerSecond (N(t) − N(t − W)) / W; positive when the queue grows
 * @param burstiness the index of dispersion of arrival counts over the sub-intervals,
 *     Var(A_k) / E[A_k]: 1 for Poisson arrivals, above 1 for bursty ones; for a renewal process it
 *     tends to the squared coefficient of variation of inter-arrival times as the sub-interval
 *     grows. When the counts follow a significant trend, Var(A_k) is their variance around its
 *     line. Empty when fewer than {@link #MIN_INTERVALS_FOR_DISPERSION} sub-intervals or fewer than
 *     {@link #MIN_ARRIVALS_FOR_DISPERSION} arrivals per sub-interval on average were seen.
 * @param requests A, the arrivals counted in the window
 * @param windowSeconds W
 * @param rise a significant rise of the rate inside the window, with the rate since (empty when
 *     the counts are steady, fall, or are too few); see {@link RateChange}
 * @param trend a significant trend of the rate, since the rise when there is one; see {@link ArrivalTrend}
 */
public record ArrivalEstimate(
    double ratePerSecond,
    double standardError,
    UncertaintyBasis basis,
    Source source,
    double completionsPerSecond,
    double backlogGrowthPerSecond,
    OptionalDouble burstiness,
    double requests,
    double windowSeconds,
    Optional<RateChange> rise,
    Optional<ArrivalTrend> trend) {

  public static final int MIN_INTERVALS_FOR_DISPERSION = 5;
  public static final double MIN_ARRIVALS_FOR_DISPERSION = 5;
  /** z for a two-sided 95% normal band. */
  public static final double Z95 = 1.959963984540054;

  public enum UncertaintyBasis {
    /** The spread of the per-sub-interval rates: sd(λ̂_k) / √K over K sub-intervals. */
    SUB_INTERVALS,
    /** Too few sub-intervals: the Poisson standard error √(A) / W. */
    POISSON
  }

  public enum Source {
    /** vLLM's completion counter plus the change of running + waiting. */
    COMPLETIONS_PLUS_BACKLOG,
    /** A user PromQL for arrivals (e.g. a gateway's request counter). */
    OVERRIDE
  }

  public ArrivalEstimate {
    finiteNonNegative("arrival rate", ratePerSecond);
    finiteNonNegative("arrival rate standard error", standardError);
    finiteNonNegative("completion rate", completionsPerSecond);
    finiteNonNegative("arrivals counted", requests);
    if (Double.isNaN(backlogGrowthPerSecond) || Double.isInfinite(backlogGrowthPerSecond)) {
      throw new IllegalArgumentException("backlog growth must be finite, got " + backlogGrowthPerSecond);
    }
    if (!(windowSeconds > 0) || Double.isInfinite(windowSeconds)) {
      throw new IllegalArgumentException("window must be a positive number of seconds, got " + windowSeconds);
    }
    if (basis == null || source == null) {
      throw new IllegalArgumentException("an arrival estimate needs its uncertainty basis and source");
    }
    burstiness = burstiness == null ? OptionalDouble.empty() : burstiness;
    rise = rise == null ? Optional.empty() : rise;
    trend = trend == null ? Optional.empty() : trend;
    if (burstiness.isPresent()) {
      finiteNonNegative("burstiness", burstiness.getAsDouble());
    }
  }

  /** Lower end of the normal-approximation 95% band, λ̂ − 1.96·se, at least 0. */
  public double lower95() {
    return Math.max(0, ratePerSecond - Z95 * standardError);
  }

  /** Upper end of the normal-approximation 95% band, λ̂ + 1.96·se. */
  public double upper95() {
    return ratePerSecond + Z95 * standardError;
  }

  private static void finiteNonNegative(String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + v);
    }
  }
}
