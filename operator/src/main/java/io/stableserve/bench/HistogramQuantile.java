package io.stableserve.bench;

import io.stableserve.observe.WindowHistogram;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * PromQL's {@code histogram_quantile(q, sum by (le) (rate(x_bucket[W])))} on a histogram's increase
 * over the window (a rate is the increase over W seconds, and the quantile does not change when
 * every bucket is divided by the same W). Written from Prometheus's documented behaviour
 * ({@code promql/quantile.go}, {@code bucketQuantile}):
 *
 * <ul>
 *   <li>q &lt; 0 gives −∞, q &gt; 1 gives +∞;</li>
 *   <li>NaN when the highest bucket is not {@code le="+Inf"}, when there are fewer than two
 *       buckets, or when nothing was observed (the +Inf bucket's count is 0);</li>
 *   <li>rank = q · (the +Inf bucket's count); the first bucket whose cumulative count reaches the
 *       rank holds the quantile, which is interpolated linearly between that bucket's lower bound
 *       (the previous bucket's {@code le}, or 0 for the first bucket) and its {@code le};</li>
 *   <li>a quantile that falls in the +Inf bucket is the largest finite {@code le};</li>
 *   <li>cumulative counts that go down (a scrape race in a real Prometheus) are raised to the
 *       previous count first.</li>
 * </ul>
 */
public final class HistogramQuantile {

  private HistogramQuantile() {}

  public static double of(double q, WindowHistogram histogram) {
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    List<WindowHistogram.Bucket> buckets = new ArrayList<>(histogram.buckets());
    buckets.sort(Comparator.comparingDouble(WindowHistogram.Bucket::upperBound));
    int n = buckets.size();
    if (n < 2 || !Double.isInfinite(buckets.get(n - 1).upperBound())) {
      return Double.NaN;
    }
    double[] counts = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, buckets.get(i).cumulativeCount());
      counts[i] = max;
    }
    double observations = counts[n - 1];
    if (!(observations > 0)) {
      return Double.NaN;
    }
    double rank = q * observations;
    int b = 0;
    while (b < n - 1 && counts[b] < rank) {
      b++;
    }
    if (b == n - 1) {
      return buckets.get(n - 2).upperBound();
    }
    if (b == 0 && buckets.get(0).upperBound() <= 0) {
      return buckets.get(0).upperBound();
    }
    double start = 0;
    double end = buckets.get(b).upperBound();
    double count = counts[b];
    if (b > 0) {
      start = buckets.get(b - 1).upperBound();
      count -= counts[b - 1];
      rank -= counts[b - 1];
    }
    return start + (end - start) * (rank / count);
  }
}
