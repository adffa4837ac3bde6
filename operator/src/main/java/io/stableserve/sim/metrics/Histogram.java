package io.stableserve.sim.metrics;

import java.util.Arrays;

/**
 * A Prometheus histogram with fixed upper bounds: per-bucket counts (not cumulative), the sum and
 * the count. Observations above the last bound fall in the implicit +Inf bucket.
 */
public final class Histogram {

  private final double[] bounds;
  private final long[] counts;
  private double sum;
  private long count;

  public Histogram(double[] bounds) {
    if (bounds.length == 0) {
      throw new IllegalArgumentException("a histogram needs at least one bucket bound");
    }
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException("bucket bounds must increase strictly: " + Arrays.toString(bounds));
      }
    }
    this.bounds = bounds.clone();
    this.counts = new long[bounds.length + 1];
  }

  private Histogram(Histogram other) {
    this.bounds = other.bounds;
    this.counts = other.counts.clone();
    this.sum = other.sum;
    this.count = other.count;
  }

  public void observe(double value) {
    observe(value, 1);
  }

  /** Records {@code times} observations of the same value. */
  public void observe(double value, long times) {
    if (times <= 0) {
      return;
    }
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("cannot observe NaN");
    }
    counts[bucketOf(value)] += times;
    sum += value * times;
    count += times;
  }

  private int bucketOf(double value) {
    int lo = 0;
    int hi = bounds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (value <= bounds[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  public Histogram copy() {
    return new Histogram(this);
  }

  public int bucketCount() {
    return bounds.length;
  }

  /** Upper bound of bucket i (0-based, excluding +Inf). */
  public double bound(int i) {
    return bounds[i];
  }

  /** Observations at or below bound(i), as Prometheus reports them. */
  public long cumulativeCount(int i) {
    long total = 0;
    for (int k = 0; k <= i; k++) {
      total += counts[k];
    }
    return total;
  }

  public double sum() {
    return sum;
  }

  public long count() {
    return count;
  }

  /** vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, … up to and including max. */
  public static double[] oneTwoFive(long max) {
    double[] out = new double[64];
    int n = 0;
    for (long scale = 1; ; scale *= 10) {
      for (long m : new long[] {1, 2, 5}) {
        long value = m * scale;
        if (value > max) {
          return Arrays.copyOf(out, n);
        }
        out[n++] = value;
      }
    }
  }
}
