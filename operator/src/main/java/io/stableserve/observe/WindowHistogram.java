package io.stableserve.observe;

import java.util.List;

/**
 * What a Prometheus histogram recorded during the window (token lengths: {@code vllm:request_prompt_tokens},
 * {@code vllm:request_generation_tokens}; latencies: {@code vllm:time_to_first_token_seconds}), summed over the service's
 * series: {@code sum by (le) (increase(..._bucket[W]))}, {@code sum(increase(..._sum[W]))},
 * {@code sum(increase(..._count[W]))}. Counts are requests (not necessarily whole numbers: Prometheus
 * extrapolates {@code increase} to the window's edges).
 *
 * @param metric the histogram's metric name
 * @param buckets cumulative counts by upper bound {@code le}, in increasing order, ending with
 *     +Inf when Prometheus has it (vLLM always exports it; the published V0 sample does not)
 * @param sum the increase of {@code _sum}: the total of the values counted (tokens or seconds)
 * @param count the increase of {@code _count}: requests counted
 */
public record WindowHistogram(String metric, List<Bucket> buckets, double sum, double count) {

  /** One cumulative bucket: requests whose value is at most {@code upperBound}. */
  public record Bucket(double upperBound, double cumulativeCount) {
    public Bucket {
      if (Double.isNaN(upperBound) || upperBound < 0 || Double.isNaN(cumulativeCount) || Double.isInfinite(cumulativeCount)) {
        throw new IllegalArgumentException("histogram bucket le=" + upperBound + " count=" + cumulativeCount + " is not a valid bucket");
      }
    }
  }

  /**
   * A histogram from its finite bucket bounds and their cumulative counts, with the +Inf bucket
   * holding all {@code count} requests, as vLLM exports it.
   */
  public static WindowHistogram of(String metric, double[] bounds, double[] cumulative, double sum, double count) {
    if (bounds.length != cumulative.length) {
      throw new IllegalArgumentException(metric + ": " + bounds.length + " bucket bounds but " + cumulative.length + " counts");
    }
    List<Bucket> buckets = new java.util.ArrayList<>(bounds.length + 1);
    for (int i = 0; i < bounds.length; i++) {
      buckets.add(new Bucket(bounds[i], cumulative[i]));
    }
    buckets.add(new Bucket(Double.POSITIVE_INFINITY, count));
    return new WindowHistogram(metric, buckets, sum, count);
  }

  public WindowHistogram {
    buckets = List.copyOf(buckets);
    for (int i = 1; i < buckets.size(); i++) {
      if (!(buckets.get(i).upperBound() > buckets.get(i - 1).upperBound())) {
        throw new IllegalArgumentException(metric + ": bucket bounds must increase, got le=" + buckets.get(i - 1).upperBound()
            + " then le=" + buckets.get(i).upperBound());
      }
    }
    if (Double.isNaN(sum) || Double.isInfinite(sum) || Double.isNaN(count) || Double.isInfinite(count)) {
      throw new IllegalArgumentException(metric + ": histogram sum and count must be finite, got " + sum + " and " + count);
    }
  }

  /**
   * PromQL's {@code histogram_quantile(q, ...)} on this increase (a rate divides every bucket by the
   * same W, which does not move the quantile), as Prometheus documents it ({@code bucketQuantile}):
   * q below 0 gives −∞ and above 1 +∞; empty (Prometheus's NaN) when the highest bucket is not
   * {@code le="+Inf"}, there are fewer than two buckets, or nothing was observed; the rank q·(the
   * +Inf count) is found in the first bucket that reaches it and interpolated linearly from that
   * bucket's lower bound (the previous {@code le}, 0 for the first) to its {@code le}; a rank in the
   * +Inf bucket gives the largest finite {@code le}; cumulative counts that go down are raised to the
   * previous count first.
   */
  public java.util.OptionalDouble quantile(double q) {
    if (q < 0) {
      return java.util.OptionalDouble.of(Double.NEGATIVE_INFINITY);
    }
    if (q > 1) {
      return java.util.OptionalDouble.of(Double.POSITIVE_INFINITY);
    }
    List<Bucket> sorted = buckets.stream().sorted(java.util.Comparator.comparingDouble(Bucket::upperBound)).toList();
    int n = sorted.size();
    if (n < 2 || !Double.isInfinite(sorted.get(n - 1).upperBound())) {
      return java.util.OptionalDouble.empty();
    }
    double[] counts = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, sorted.get(i).cumulativeCount());
      counts[i] = max;
    }
    double observations = counts[n - 1];
    if (!(observations > 0)) {
      return java.util.OptionalDouble.empty();
    }
    double rank = q * observations;
    int b = 0;
    while (b < n - 1 && counts[b] < rank) {
      b++;
    }
    if (b == n - 1) {
      return java.util.OptionalDouble.of(sorted.get(n - 2).upperBound());
    }
    if (b == 0 && sorted.get(0).upperBound() <= 0) {
      return java.util.OptionalDouble.of(sorted.get(0).upperBound());
    }
    double start = b > 0 ? sorted.get(b - 1).upperBound() : 0;
    double inBucket = counts[b] - (b > 0 ? counts[b - 1] : 0);
    double within = rank - (b > 0 ? counts[b - 1] : 0);
    return java.util.OptionalDouble.of(start + (sorted.get(b).upperBound() - start) * (within / inBucket));
  }
}
