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
   * The q-quantile as Prometheus's {@code histogram_quantile} gives it: linear interpolation inside
   * the bucket that holds it, from 0 for the first bucket; the largest finite bound when it falls in
   * the +Inf bucket. Empty when nothing was counted.
   */
  public java.util.OptionalDouble quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
    }
    List<Bucket> sorted = buckets.stream().sorted(java.util.Comparator.comparingDouble(Bucket::upperBound)).toList();
    if (sorted.isEmpty()) {
      return java.util.OptionalDouble.empty();
    }
    double total = Double.isInfinite(sorted.get(sorted.size() - 1).upperBound())
        ? sorted.get(sorted.size() - 1).cumulativeCount() : Math.max(count, sorted.get(sorted.size() - 1).cumulativeCount());
    if (!(total > 0)) {
      return java.util.OptionalDouble.empty();
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Bucket b : sorted) {
      if (b.cumulativeCount() >= rank) {
        if (Double.isInfinite(b.upperBound())) {
          return java.util.OptionalDouble.of(lowerBound);
        }
        double inBucket = b.cumulativeCount() - lowerCount;
        double share = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
        return java.util.OptionalDouble.of(lowerBound + (b.upperBound() - lowerBound) * share);
      }
      lowerBound = Double.isInfinite(b.upperBound()) ? lowerBound : b.upperBound();
      lowerCount = b.cumulativeCount();
    }
    return java.util.OptionalDouble.of(lowerBound);
  }
}
