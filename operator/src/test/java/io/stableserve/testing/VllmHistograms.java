package io.stableserve.testing;

import io.stableserve.observe.WindowHistogram;

/** Token lengths binned the way vLLM's length histograms bin them. */
public final class VllmHistograms {

  /** vLLM's request-length buckets for max_model_len 32768: build_1_2_5_buckets. */
  public static final double[] BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000};

  private VllmHistograms() {}

  /** Whole-token lengths counted into {@link #BUCKETS}, with +Inf, and their exact sum. */
  public static WindowHistogram of(String metric, long[] lengths) {
    double[] cumulative = new double[BUCKETS.length];
    double sum = 0;
    for (long x : lengths) {
      sum += x;
      for (int b = 0; b < BUCKETS.length; b++) {
        if (x <= BUCKETS[b]) {
          cumulative[b]++;
        }
      }
    }
    return WindowHistogram.of(metric, BUCKETS, cumulative, sum, lengths.length);
  }
}
