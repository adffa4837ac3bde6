package io.stableserve.workload;

import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * An empirical workload: one row per request with its arrival time and token counts. Moments are
 * the exact means over the requests, so E[g] here is the mean of g(s, o) over the trace.
 */
public final class Trace implements Workload {

  private final String name;
  private final double[] arrivalSeconds;
  private final int[] promptTokens;
  private final int[] outputTokens;
  private final TokenMoments moments;

  /**
   * @param arrivalSeconds arrival times in seconds from the first request, ascending
   */
  public Trace(String name, double[] arrivalSeconds, int[] promptTokens, int[] outputTokens) {
    if (arrivalSeconds.length == 0) {
      throw new IllegalArgumentException("trace " + name + " has no requests");
    }
    if (arrivalSeconds.length != promptTokens.length || promptTokens.length != outputTokens.length) {
      throw new IllegalArgumentException("trace " + name + ": columns have different lengths");
    }
    for (int i = 0; i < arrivalSeconds.length; i++) {
      if (promptTokens[i] < 0 || outputTokens[i] < 0) {
        throw new IllegalArgumentException("trace " + name + " request " + i + " has a negative token count");
      }
      if (i > 0 && arrivalSeconds[i] < arrivalSeconds[i - 1]) {
        throw new IllegalArgumentException("trace " + name + " request " + i + " arrives before the one before it");
      }
    }
    this.name = name;
    this.arrivalSeconds = arrivalSeconds.clone();
    this.promptTokens = promptTokens.clone();
    this.outputTokens = outputTokens.clone();
    this.moments = computeMoments();
  }

  private TokenMoments computeMoments() {
    double s = 0, s2 = 0, o = 0, o2 = 0, so = 0, max = 0;
    for (int i = 0; i < promptTokens.length; i++) {
      double p = promptTokens[i];
      double q = outputTokens[i];
      s += p;
      s2 += p * p;
      o += q;
      o2 += q * q;
      so += p * q;
      max = Math.max(max, p + q);
    }
    int n = promptTokens.length;
    return new TokenMoments(s / n, s2 / n, o / n, o2 / n, so / n, max);
  }

  public String name() {
    return name;
  }

  public int size() {
    return promptTokens.length;
  }

  public double arrivalSeconds(int i) {
    return arrivalSeconds[i];
  }

  public int promptTokens(int i) {
    return promptTokens[i];
  }

  public int outputTokens(int i) {
    return outputTokens[i];
  }

  /** Seconds from the first arrival to the last. */
  public double durationSeconds() {
    return arrivalSeconds[arrivalSeconds.length - 1] - arrivalSeconds[0];
  }

  @Override
  public TokenMoments moments() {
    return moments;
  }

  @Override
  public double meanPrefillChunks(int chunkTokens) {
    if (chunkTokens <= 0) {
      throw new IllegalArgumentException("prefill chunk ŝ must be positive, got " + chunkTokens);
    }
    double sum = 0;
    for (int p : promptTokens) {
      sum += Math.ceil((double) p / chunkTokens);
    }
    return sum / promptTokens.length;
  }

  /**
   * Rate = (n − 1) / span, and burstiness = squared coefficient of variation of the inter-arrival
   * times; empty when the trace has fewer than two distinct arrival times.
   */
  @Override
  public Optional<ArrivalStatistics> arrivals() {
    double span = durationSeconds();
    if (arrivalSeconds.length < 2 || span <= 0) {
      return Optional.empty();
    }
    SummaryStatistics gaps = new SummaryStatistics();
    for (int i = 1; i < arrivalSeconds.length; i++) {
      gaps.addValue(arrivalSeconds[i] - arrivalSeconds[i - 1]);
    }
    double mean = gaps.getMean();
    double scv = gaps.getPopulationVariance() / (mean * mean);
    return Optional.of(new ArrivalStatistics((arrivalSeconds.length - 1) / span, scv, span, arrivalSeconds.length));
  }

  /** A copy of the arrival times (seconds from the first request). */
  public double[] arrivalTimes() {
    return Arrays.copyOf(arrivalSeconds, arrivalSeconds.length);
  }

  @Override
  public String describe() {
    return "trace " + name + " (" + size() + " requests)";
  }
}
