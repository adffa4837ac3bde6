package io.stableserve.sim;

import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * When a rate counts as stable in simulation. Each of R independent runs (own seeds, from empty)
 * gives the least-squares drift dᵢ of the number in system over its second half, in requests per
 * second; a stationary queue has E[d] = 0 and an unstable one E[d] = λ − μ > 0. The runs are
 * independent, so d̄ ± t(R−1, c)·s/√R is a one-sided confidence bound on E[d] with no assumption
 * about the autocorrelation inside a run.
 *
 * <p>A rate is <b>stable</b> when the upper confidence bound d̄ + t·s/√R is below
 * {@code tolerance}·λ: with confidence c, less than that share of arrivals accumulates. Otherwise
 * it is not shown stable (unstable, or too close to the boundary to tell at this horizon): so the
 * boundary found is conservative by construction.
 */
public record StabilityCriterion(int runs, double horizonSeconds, double tolerance, double confidence) {

  public StabilityCriterion {
    if (runs < 2) {
      throw new IllegalArgumentException("the criterion needs at least 2 independent runs, got " + runs);
    }
    if (!(horizonSeconds > 0)) {
      throw new IllegalArgumentException("horizon must be a positive number of seconds, got " + horizonSeconds);
    }
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new IllegalArgumentException("drift tolerance must be a share of the arrival rate in (0, 1), got "
          + tolerance);
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + confidence);
    }
  }

  public static StabilityCriterion standard() {
    return new StabilityCriterion(6, 7200, 0.01, 0.95);
  }

  /** The verdict on a rate from its runs' drifts. */
  public Verdict judge(double rate, double[] drifts) {
    if (drifts.length != runs) {
      throw new IllegalArgumentException("expected " + runs + " drifts, got " + drifts.length);
    }
    double mean = 0;
    for (double d : drifts) {
      mean += d;
    }
    mean /= drifts.length;
    double var = 0;
    for (double d : drifts) {
      var += (d - mean) * (d - mean);
    }
    double se = Math.sqrt(var / (drifts.length - 1) / drifts.length);
    double t = new TDistribution(null, runs - 1).inverseCumulativeProbability(confidence);
    double upper = mean + t * se;
    return new Verdict(rate, mean, upper, tolerance * rate, upper < tolerance * rate);
  }

  /**
   * @param meanDrift d̄, requests per second
   * @param upperBound the one-sided upper confidence bound on the drift
   * @param threshold tolerance·λ
   */
  public record Verdict(double rate, double meanDrift, double upperBound, double threshold, boolean stable) {}

  public String describe() {
    return String.format(Locale.ROOT,
        "stable when, over %d independent runs of %.0f s from empty, the %.0f%% upper confidence bound of the "
            + "mean drift of the number in system over the second half is below %.1f%% of the arrival rate",
        runs, horizonSeconds, confidence * 100, tolerance * 100);
  }

  static double[] drifts(List<EngineRun> runs) {
    return runs.stream().mapToDouble(EngineRun::secondHalfDrift).toArray();
  }
}
