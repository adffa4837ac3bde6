package io.stableserve.estimate;

import java.util.Optional;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * A sustained trend of the arrival rate across the estimation window: the least-squares line through
 * the sub-interval rates, when its slope is significant.
 *
 * <p>On a ramp the window's mean lags the rate by half a window, and a replica asked for now serves
 * only after its start-up. The line gives the rate at the end of the window and, extrapolated, the
 * rate a start-up later, which is what a scale-up must hold. The slope's standard error is the
 * regression's, so counts more dispersed than Poisson (bursts) widen it and a burst does not pass
 * for a trend; a slope is kept when it is at least {@link #MIN_T} standard errors from zero.
 *
 * @param slope the change of the arrival rate, req/s per second
 * @param slopeStandardError one standard error of the slope
 * @param rateAtEnd the line's rate at the end of the window, req/s (at least 0)
 * @param spanSeconds the time the line was fitted over
 */
public record ArrivalTrend(double slope, double slopeStandardError, double rateAtEnd, double spanSeconds) {

  /** A slope this many standard errors from zero is a trend. */
  public static final double MIN_T = 4.0;
  /** Fewer sub-intervals than this do not make a line. */
  public static final int MIN_INTERVALS = 5;

  public ArrivalTrend {
    if (!Double.isFinite(slope) || !(slopeStandardError >= 0) || !Double.isFinite(slopeStandardError)
        || !(rateAtEnd >= 0) || !Double.isFinite(rateAtEnd) || !(spanSeconds > 0) || !Double.isFinite(spanSeconds)) {
      throw new IllegalArgumentException("a trend needs a finite slope, standard error >= 0 and rate >= 0, got "
          + slope + ", " + slopeStandardError + ", " + rateAtEnd);
    }
  }

  /**
   * Whether a line fits the counts better than any step does: the line's residual sum of squares
   * against the smallest of the steps' (two flat parts, split at each place in turn). A ramp found
   * as a rise is a ramp; a step is not read as a ramp, neither once found as a rise nor at its
   * start, while only the newest counts stand above the rest.
   */
  public static boolean rampRatherThanStep(double[] counts) {
    int k = counts.length;
    SimpleRegression line = lineByIndex(counts);
    double bestStep = Double.POSITIVE_INFINITY;
    for (int split = 1; split < k; split++) {
      bestStep = Math.min(bestStep, flatResiduals(counts, 0, split) + flatResiduals(counts, split, k));
    }
    return line.getSumSquaredErrors() < bestStep;
  }

  /** The counts' variance around their least-squares line: its residual sum of squares over k − 2. */
  public static double varianceAroundLine(double[] counts) {
    if (counts.length < 3) {
      throw new IllegalArgumentException("a variance around a line needs at least 3 counts, got " + counts.length);
    }
    return lineByIndex(counts).getMeanSquareError();
  }

  /**
   * The counts' variance from one sub-interval to the next: the sum of squares of their n = k − 1
   * successive differences around the differences' mean (a steady drift), over 2(n − 1/n), which
   * for independent counts is their variance (von Neumann's estimate, the drift removed). A slow
   * swing of the rate, which spreads the counts around their mean, adds little to it, while a
   * burst in one sub-interval adds as much as to the variance around the mean, or more.
   */
  public static double varianceBetweenNeighbours(double[] counts) {
    int k = counts.length;
    if (k < 3) {
      throw new IllegalArgumentException("a variance between neighbours needs at least 3 counts, got " + k);
    }
    double drift = (counts[k - 1] - counts[0]) / (k - 1);
    double sum = 0;
    for (int i = 1; i < k; i++) {
      double d = counts[i] - counts[i - 1] - drift;
      sum += d * d;
    }
    double n = k - 1;
    return sum / (2 * (n - 1 / n));
  }

  /** The least-squares line through the counts against their index. */
  private static SimpleRegression lineByIndex(double[] counts) {
    SimpleRegression line = new SimpleRegression();
    for (int i = 0; i < counts.length; i++) {
      line.addData(i, counts[i]);
    }
    return line;
  }

  /** The sum of squared deviations of {@code counts[from, to)} from their mean. */
  private static double flatResiduals(double[] counts, int from, int to) {
    return StatUtils.variance(counts, from, to - from) * (to - from - 1);
  }

  /**
   * The significant trend of {@code counts}, oldest first, each over {@code subIntervalSeconds};
   * empty when there are too few counts or the slope is within {@link #MIN_T} standard errors of zero.
   */
  public static Optional<ArrivalTrend> fit(double[] counts, double subIntervalSeconds) {
    if (!(subIntervalSeconds > 0) || Double.isInfinite(subIntervalSeconds)) {
      throw new IllegalArgumentException("sub-interval length must be a positive number of seconds, got " + subIntervalSeconds);
    }
    int k = counts.length;
    if (k < MIN_INTERVALS) {
      return Optional.empty();
    }
    SimpleRegression line = new SimpleRegression();
    for (int i = 0; i < k; i++) {
      // Each count's rate at the middle of its sub-interval, time measured back from the window's end.
      double t = -(k - i - 0.5) * subIntervalSeconds;
      line.addData(t, Math.max(0, counts[i]) / subIntervalSeconds);
    }
    double slope = line.getSlope();
    double se = line.getSlopeStdErr();
    if (!Double.isFinite(slope) || !Double.isFinite(se)) {
      return Optional.empty();
    }
    if (se == 0 ? slope == 0 : Math.abs(slope) < MIN_T * se) {
      return Optional.empty();
    }
    return Optional.of(new ArrivalTrend(slope, se, Math.max(0, line.getIntercept()), k * subIntervalSeconds));
  }
}
