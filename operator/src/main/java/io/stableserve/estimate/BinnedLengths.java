package io.stableserve.estimate;

import io.stableserve.observe.TokenHistogram;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A token-length distribution estimated from a Prometheus histogram: bucket counts and the exact
 * sum. vLLM's length buckets follow a 1-2-5 series, so a bucket can be 2.5 times as wide as its
 * lower edge, and the usual "uniform within each bucket" reading can be far off (for prompts
 * uniform on [300, 3000] it overstates E[s²] by about 70%, because the top bucket (2000, 5000] is
 * only filled up to 3000). So:
 *
 * <p><b>Estimator ("sum-matched centred uniform").</b> Lengths are whole tokens ≥ 1, so bucket
 * (l<sub>i−1</sub>, l<sub>i</sub>] holds lengths in [a<sub>i</sub>, b<sub>i</sub>] = [⌊l<sub>i−1</sub>⌋ + 1,
 * ⌊l<sub>i</sub>⌋]. Each bucket's mean m<sub>i</sub> is moved from the midpoint c<sub>i</sub> by
 * λ·h<sub>i</sub>² (h<sub>i</sub> the half-width, clamped to the bucket), with the one λ that makes
 * Σ n<sub>i</sub>·m<sub>i</sub> equal the histogram's exact {@code _sum}: the least-squares
 * (minimum Σ n·(shift/h)²) correction, which puts the correction where the buckets are wide. Within
 * the bucket the lengths are taken as uniform on the widest interval centred on m<sub>i</sub> that
 * fits in it, [m<sub>i</sub> − r<sub>i</sub>, m<sub>i</sub> + r<sub>i</sub>], so
 * E[X²] = Σ p<sub>i</sub>·(m<sub>i</sub>² + r<sub>i</sub>²/3). E[X] is the exact {@code _sum / _count}.
 * Requests above the last finite bucket (a non-empty +Inf bucket) are put in a synthetic bucket as
 * wide, in ratio, as the one before it, widened if the sum needs it.
 *
 * <p><b>Its error.</b> Whatever the lengths inside the buckets, E[X²] lies in
 * [{@link #meanSquareLowerBound()}, {@link #meanSquareUpperBound()}]: the exact range over every
 * distribution with these bucket counts and this sum (lower: each bucket a point mass, means
 * water-filled to the sum; upper: each bucket split between its edges, the sum spent on the
 * buckets with the largest a + b first; unbounded when the +Inf bucket is not empty). The sampling
 * error of E[X] over the window is {@link #meanStandardError()}. The binning error measured on
 * known distributions is in docs/estimation.md.
 */
public final class BinnedLengths {

  private final String metric;
  private final double[] lower;
  private final double[] upper;
  private final double[] count;
  private final double[] mean;
  private final double[] halfWidth;
  private final double requests;
  private final double sum;
  private final boolean tailOpen;

  private BinnedLengths(String metric, double[] lower, double[] upper, double[] count, double sum, boolean tailOpen) {
    this.metric = metric;
    this.lower = lower;
    this.upper = upper;
    this.count = count;
    this.tailOpen = tailOpen;
    double n = 0;
    for (double c : count) {
      n += c;
    }
    this.requests = n;
    double low = 0, high = 0;
    for (int i = 0; i < count.length; i++) {
      low += count[i] * lower[i];
      high += count[i] * upper[i];
    }
    // Prometheus extrapolates increase() per series, so the sum can fall a little outside what the
    // buckets allow; it is clamped to the nearest consistent value.
    this.sum = Math.max(low, Math.min(high, sum));
    this.mean = matchedMeans();
    this.halfWidth = new double[count.length];
    for (int i = 0; i < count.length; i++) {
      halfWidth[i] = Math.max(0, Math.min(mean[i] - lower[i], upper[i] - mean[i]));
    }
  }

  /**
   * Reads a histogram observed over a window.
   *
   * @param meanOverride E[X] from elsewhere (a user PromQL); replaces {@code _sum / _count}
   * @throws IllegalArgumentException when the histogram counted no request in the window
   */
  public static BinnedLengths from(TokenHistogram histogram, OptionalDouble meanOverride) {
    List<TokenHistogram.Bucket> buckets = new ArrayList<>(histogram.buckets());
    buckets.sort(Comparator.comparingDouble(TokenHistogram.Bucket::upperBound));
    List<double[]> bins = new ArrayList<>();
    double previousBound = 0;
    double previousCumulative = 0;
    double previousLower = 0;
    boolean tail = false;
    for (TokenHistogram.Bucket b : buckets) {
      double n = Math.max(0, b.cumulativeCount() - previousCumulative);
      double a = Math.floor(previousBound) + 1;
      double hi;
      if (Double.isInfinite(b.upperBound())) {
        hi = tailUpper(previousLower, previousBound);
        tail = n > 0;
      } else {
        hi = Math.max(a, Math.floor(b.upperBound()));
      }
      bins.add(new double[] {a, hi, n});
      previousCumulative = Math.max(previousCumulative, b.cumulativeCount());
      previousLower = a;
      previousBound = b.upperBound();
      if (Double.isInfinite(previousBound)) {
        break;
      }
    }
    if (!Double.isInfinite(previousBound) && histogram.count() > previousCumulative + 1e-9) {
      // No +Inf bucket in the answer (the published V0 sample has none): what _count has beyond
      // the last bucket is the tail.
      double a = Math.floor(previousBound) + 1;
      bins.add(new double[] {a, tailUpper(previousLower, previousBound), histogram.count() - previousCumulative});
      tail = true;
    }
    double total = bins.stream().mapToDouble(b -> b[2]).sum();
    if (!(total > 0)) {
      throw new IllegalArgumentException(histogram.metric() + " counted no request in the window: token moments are unknown");
    }
    double requests = histogram.count() > 0 ? histogram.count() : total;
    double meanLength = meanOverride.isPresent() ? meanOverride.getAsDouble() : histogram.sum() / requests;
    if (!(meanLength >= 0) || Double.isInfinite(meanLength)) {
      throw new IllegalArgumentException(histogram.metric() + ": mean length must be a finite number >= 0, got " + meanLength);
    }
    if (tail) {
      // Widen the synthetic tail bucket if the sum needs it.
      double[] last = bins.get(bins.size() - 1);
      double others = 0;
      for (int i = 0; i < bins.size() - 1; i++) {
        others += bins.get(i)[2] * bins.get(i)[0];
      }
      double needed = (meanLength * total - others) / last[2];
      last[1] = Math.max(last[1], 2 * needed - last[0]);
    }
    int k = bins.size();
    double[] lo = new double[k], hi = new double[k], n = new double[k];
    for (int i = 0; i < k; i++) {
      lo[i] = bins.get(i)[0];
      hi[i] = bins.get(i)[1];
      n[i] = bins.get(i)[2];
    }
    return new BinnedLengths(histogram.metric(), lo, hi, n, meanLength * total, tail);
  }

  private static double tailUpper(double previousLower, double previousBound) {
    double ratio = previousLower > 1 ? previousBound / (previousLower - 1) : 2;
    return Math.floor(previousBound * Math.max(2, ratio));
  }

  /** Bucket means shifted by λ·h² from their midpoints, with λ chosen so that they add up to the sum. */
  private double[] matchedMeans() {
    int k = count.length;
    double[] m = new double[k];
    double limit = 0;
    for (int i = 0; i < k; i++) {
      double h = (upper[i] - lower[i]) / 2;
      if (h > 0) {
        limit = Math.max(limit, 1 / h);
      }
    }
    double lo = -limit, hi = limit;
    for (int iteration = 0; iteration < 200; iteration++) {
      double mid = (lo + hi) / 2;
      if (shiftedSum(mid, m) < sum) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    shiftedSum((lo + hi) / 2, m);
    return m;
  }

  private double shiftedSum(double lambda, double[] into) {
    double total = 0;
    for (int i = 0; i < count.length; i++) {
      double h = (upper[i] - lower[i]) / 2;
      double centre = (upper[i] + lower[i]) / 2;
      into[i] = Math.max(lower[i], Math.min(upper[i], centre + lambda * h * h));
      total += count[i] * into[i];
    }
    return total;
  }

  public String metric() {
    return metric;
  }

  /** Requests counted in the window. */
  public double requests() {
    return requests;
  }

  /** E[X]: exact, {@code _sum / _count} (or the override). */
  public double mean() {
    return sum / requests;
  }

  /** E[X²] by the sum-matched centred-uniform estimator (see the class comment). */
  public double meanSquare() {
    double total = 0;
    for (int i = 0; i < count.length; i++) {
      total += count[i] * (mean[i] * mean[i] + halfWidth[i] * halfWidth[i] / 3);
    }
    return Math.max(total / requests, mean() * mean());
  }

  /** The smallest E[X²] any distribution with these bucket counts and this sum can have. */
  public double meanSquareLowerBound() {
    double[] m = new double[count.length];
    double lo = Double.MAX_VALUE, hi = 0;
    for (int i = 0; i < count.length; i++) {
      lo = Math.min(lo, lower[i]);
      hi = Math.max(hi, upper[i]);
    }
    for (int iteration = 0; iteration < 200; iteration++) {
      double level = (lo + hi) / 2;
      double total = 0;
      for (int i = 0; i < count.length; i++) {
        total += count[i] * Math.max(lower[i], Math.min(upper[i], level));
      }
      if (total < sum) {
        lo = level;
      } else {
        hi = level;
      }
    }
    double level = (lo + hi) / 2;
    double total = 0;
    for (int i = 0; i < count.length; i++) {
      m[i] = Math.max(lower[i], Math.min(upper[i], level));
      total += count[i] * m[i] * m[i];
    }
    return total / requests;
  }

  /**
   * The largest E[X²] any distribution with these bucket counts and this sum can have; empty when
   * requests beyond the last finite bucket make it unbounded.
   */
  public OptionalDouble meanSquareUpperBound() {
    if (tailOpen) {
      return OptionalDouble.empty();
    }
    Integer[] order = new Integer[count.length];
    double remaining = sum;
    double total = 0;
    for (int i = 0; i < count.length; i++) {
      order[i] = i;
      remaining -= count[i] * lower[i];
      total += count[i] * lower[i] * lower[i];
    }
    java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> lower[i] + upper[i]).reversed());
    for (int i : order) {
      if (remaining <= 0) {
        break;
      }
      double room = count[i] * (upper[i] - lower[i]);
      double spend = Math.min(room, remaining);
      // A bucket with mean m split between its edges has E[X²] = (a + b)·m − a·b.
      total += spend * (lower[i] + upper[i]);
      remaining -= spend;
    }
    return OptionalDouble.of(total / requests);
  }

  /** Standard error of E[X] from sampling: √(Var X / n) over the n requests of the window. */
  public double meanStandardError() {
    double variance = Math.max(0, meanSquare() - mean() * mean());
    return Math.sqrt(variance / requests);
  }

  /**
   * The largest length, estimated: the upper end m + r of the top non-empty bucket's support under
   * the within-bucket model. vLLM's top buckets are wide (2000 to 5000 tokens), so the bucket's
   * edge ({@link #maxBound()}) would overstate the largest request, and with it δ, by up to 2.5 times.
   */
  public double max() {
    for (int i = count.length - 1; i >= 0; i--) {
      if (count[i] > 0) {
        return Math.ceil(mean[i] + halfWidth[i]);
      }
    }
    return 0;
  }

  /** The largest length the buckets allow: the upper edge of the highest non-empty bucket (assumed for a +Inf tail). */
  public double maxBound() {
    for (int i = count.length - 1; i >= 0; i--) {
      if (count[i] > 0) {
        return upper[i];
      }
    }
    return 0;
  }

  /** Whether requests beyond the last finite bucket were seen, so that {@link #max()} is an assumption. */
  public boolean tailOpen() {
    return tailOpen;
  }

  /** E[⌈X/ŝ⌉] under the same within-bucket model as {@link #meanSquare()}. */
  public double meanChunks(int chunkTokens) {
    if (chunkTokens <= 0) {
      throw new IllegalArgumentException("prefill chunk ŝ must be positive, got " + chunkTokens);
    }
    double total = 0;
    for (int i = 0; i < count.length; i++) {
      if (count[i] == 0) {
        continue;
      }
      double a = mean[i] - halfWidth[i];
      double b = mean[i] + halfWidth[i];
      double chunks = b - a < 1e-9
          ? Math.ceil(mean[i] / chunkTokens)
          : (ceilingIntegral(b, chunkTokens) - ceilingIntegral(a, chunkTokens)) / (b - a);
      total += count[i] * chunks;
    }
    return total / requests;
  }

  /** ∫₀ˣ ⌈t/ŝ⌉ dt. */
  private static double ceilingIntegral(double x, int chunk) {
    if (x <= 0) {
      return 0;
    }
    double k = Math.ceil(x / chunk);
    return chunk * k * (k - 1) / 2 + k * (x - (k - 1) * chunk);
  }

  public String describe() {
    return String.format("%s: %.0f requests, mean %.1f, E[X²] %.4g in [%.4g, %s]", metric, requests, mean(), meanSquare(),
        meanSquareLowerBound(), meanSquareUpperBound().isPresent() ? String.format("%.4g", meanSquareUpperBound().getAsDouble()) : "unbounded");
  }
}
