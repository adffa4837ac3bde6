package io.stableserve.estimate;

import java.util.Optional;

/**
 * A change of the arrival rate inside the estimation window: the window's sub-interval counts split
 * in two where a Poisson likelihood-ratio test says the rate changed most in one direction, when
 * that change is significant. A rise ({@link #find}) sizes scale-ups; a fall ({@link #findFall})
 * only says that the counts' spread around the window's mean is the change, not bursts.
 *
 * <p>The window's mean lags a step in load: a step to three times the rate shows as one and a half
 * times after a sixth of the window has passed. Sized on that mean, a scale-up stops short and a
 * second one follows. The rate after the split is what the load has become, with the wider
 * standard error of the fewer arrivals it rests on; the decide step uses it for scale-ups and waits
 * (within {@code behavior.scaleUp.settleTime}) until it is known well enough to pick one count.
 *
 * <p>The test: for each split j of the K counts, 2·[ℓ(before) + ℓ(after) − ℓ(window)] with ℓ the
 * Poisson log-likelihood at each part's own rate; the largest is compared with {@link #THRESHOLD}
 * (the χ² quantile of one degree of freedom at 0.999, so that the maximum over a window's few
 * splits rarely passes on a steady load). Counts more dispersed than Poisson (bursty traffic)
 * would pass it too easily, so the statistic is divided by the index of dispersion of the counts
 * around their two rates, and the standard error after the split multiplied by its root
 * (quasi-Poisson).
 *
 * @param secondsAgo how long before the end of the window the new rate began (the split)
 * @param rateBefore arrivals per second before the split
 * @param rateAfter arrivals per second after it; above {@code rateBefore} for a rise, below for a fall
 * @param standardErrorAfter one standard error of {@code rateAfter}, req/s
 * @param arrivalsAfter arrivals counted after the split
 * @param statistic the likelihood-ratio statistic, after the dispersion correction
 * @param dispersion the index of dispersion the statistic was divided by (at least 1)
 */
public record RateChange(
    double secondsAgo,
    double rateBefore,
    double rateAfter,
    double standardErrorAfter,
    double arrivalsAfter,
    double statistic,
    double dispersion) {

  /** χ²(1) at 0.999. */
  public static final double THRESHOLD = 10.828;
  /** Fewer sub-intervals than this leave too little to split. */
  public static final int MIN_INTERVALS = 4;

  /**
   * The significant rise in {@code counts}, oldest first, each over {@code subIntervalSeconds};
   * empty when the rate did not rise, the rise is not significant, or there are too few counts.
   * Negative counts (noise of completions plus backlog growth) are read as 0.
   */
  public static Optional<RateChange> find(double[] counts, double subIntervalSeconds) {
    return find(counts, subIntervalSeconds, true);
  }

  /** The significant fall in {@code counts}, as {@link #find} finds a rise. */
  public static Optional<RateChange> findFall(double[] counts, double subIntervalSeconds) {
    return find(counts, subIntervalSeconds, false);
  }

  private static Optional<RateChange> find(double[] counts, double subIntervalSeconds, boolean rise) {
    if (!(subIntervalSeconds > 0) || Double.isInfinite(subIntervalSeconds)) {
      throw new IllegalArgumentException("sub-interval length must be a positive number of seconds, got " + subIntervalSeconds);
    }
    int k = counts.length;
    if (k < MIN_INTERVALS) {
      return Optional.empty();
    }
    double[] c = new double[k];
    double[] cumulative = new double[k + 1];
    for (int i = 0; i < k; i++) {
      if (Double.isNaN(counts[i]) || Double.isInfinite(counts[i])) {
        throw new IllegalArgumentException("arrival count of sub-interval " + i + " must be finite, got " + counts[i]);
      }
      c[i] = Math.max(0, counts[i]);
      cumulative[i + 1] = cumulative[i] + c[i];
    }
    double total = cumulative[k];
    if (total <= 0) {
      return Optional.empty();
    }
    double whole = logLikelihood(total, k);
    int split = -1;
    double best = 0;
    for (int j = 1; j < k; j++) {
      double before = cumulative[j];
      double after = total - before;
      double stat = 2 * (logLikelihood(before, j) + logLikelihood(after, k - j) - whole);
      boolean direction = rise ? after / (k - j) > before / j : after / (k - j) < before / j;
      if (direction && stat > best) {
        best = stat;
        split = j;
      }
    }
    if (split < 0) {
      return Optional.empty();
    }
    double perBefore = cumulative[split] / split;
    double perAfter = (total - cumulative[split]) / (k - split);
    double dispersion = Math.max(1, dispersion(c, split, perBefore, perAfter));
    double statistic = best / dispersion;
    if (statistic < THRESHOLD) {
      return Optional.empty();
    }
    double afterSeconds = (k - split) * subIntervalSeconds;
    double arrivalsAfter = total - cumulative[split];
    double standardError = Math.sqrt(dispersion * Math.max(arrivalsAfter, 1)) / afterSeconds;
    return Optional.of(new RateChange(afterSeconds, perBefore / subIntervalSeconds, perAfter / subIntervalSeconds,
        standardError, arrivalsAfter, statistic, dispersion));
  }

  /** Σ n·log(n / (intervals)) − n, the Poisson log-likelihood of n arrivals over that many sub-intervals up to a constant. */
  private static double logLikelihood(double arrivals, int intervals) {
    return arrivals > 0 ? arrivals * Math.log(arrivals / intervals) - arrivals : 0;
  }

  /** Pearson's χ² of the counts around the two rates over its degrees of freedom; 1 when too few counts to tell. */
  private static double dispersion(double[] c, int split, double perBefore, double perAfter) {
    int k = c.length;
    if (k < MIN_INTERVALS + 1) {
      return 1;
    }
    double pearson = 0;
    for (int i = 0; i < k; i++) {
      double expected = i < split ? perBefore : perAfter;
      if (expected > 0) {
        pearson += (c[i] - expected) * (c[i] - expected) / expected;
      }
    }
    return pearson / (k - 2);
  }
}
