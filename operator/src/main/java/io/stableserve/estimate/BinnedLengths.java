package io.stableserve.estimate;

import io.stableserve.observe.WindowHistogram;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * A token-length distribution estimated from a Prometheus histogram: bucket counts and the exact
 * sum. vLLM's length buckets follow a 1-2-5 series, so a bucket can be 2.5 times as wide as its
 * lower edge, and the usual "uniform within each bucket" reading can be far off (for prompts
 * uniform on [300, 3000] it overstates E[s²] by 74%, because the top bucket (2000, 5000] is only
 * filled up to 3000). So:
 *
 * <p><b>Estimator.</b> Lengths are whole tokens ≥ 1, so bucket (l<sub>i−1</sub>, l<sub>i</sub>]
 * holds lengths in [a<sub>i</sub>, b<sub>i</sub>] = [⌊l<sub>i−1</sub>⌋ + 1, ⌊l<sub>i</sub>⌋].
 * <ul>
 *   <li>Interior buckets (between the first and the last non-empty one) are full, and their shape
 *       follows their neighbours: the density is linear across the bucket, through the averages of
 *       the bucket's density and each neighbour's at its edges (a histospline). Its second moment
 *       in the bucket is c² + 2·c·h·τ + h²/3 (c the centre, h the half-width, τ·h the shift of
 *       the mean).</li>
 *   <li>The first and the last non-empty bucket are where the data usually ends inside a bucket.
 *       Their means are set so that the total matches the histogram's exact {@code _sum}: each is
 *       moved from its centre by λ·h², one λ for both (the least-squares correction, most of it
 *       where the bucket is wide), and within the bucket the lengths are uniform on the widest
 *       interval centred on that mean, [m − r, m + r].</li>
 * </ul>
 * E[X] is exact ({@code _sum / _count}). Requests above the last finite bucket (a non-empty +Inf
 * bucket) are put in a synthetic bucket as wide, in ratio, as the one before it, widened if the sum
 * needs it.
 *
 * <p><b>Its error.</b> Measured on nine distributions, synthetic and the Azure traces, the error of
 * E[X²] stays within −6% to +10% (docs/estimation.md; {@code BinnedLengthsTest}); it is largest for
 * densities that fall steeply across a wide bucket (an exponential tail), where a linear shape
 * cannot put enough of the bucket's mass at its left edge, and it overstates E[X²] there (the
 * safe side: a larger memory area, a lower stable rate). Whatever the lengths
 * inside the buckets, E[X²] lies in [{@link #meanSquareLowerBound()}, {@link #meanSquareUpperBound()}]:
 * the exact range over every distribution with these bucket counts and this sum (lower: each bucket
 * a point mass, means water-filled to the sum; upper: each bucket split between its edges, the sum
 * spent on the buckets with the largest a + b first; unbounded when the +Inf bucket is not empty).
 * The sampling error of E[X] over the window is {@link #meanStandardError()}.
 */
public final class BinnedLengths {

  private final String metric;
  private final double[] lower;
  private final double[] upper;
  private final double[] count;
  private final double[] mean;
  private final double[] halfWidth;
  /** Interior buckets: the linear density's mean offset in half-widths (|τ| ≤ 1/3); NaN for the edge buckets. */
  private final double[] tau;
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
    int k = count.length;
    this.mean = new double[k];
    this.halfWidth = new double[k];
    this.tau = new double[k];
    int first = -1;
    int last = -1;
    for (int i = 0; i < k; i++) {
      if (count[i] > 0) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    double interiorSum = 0;
    for (int i = 0; i < k; i++) {
      double h = (upper[i] - lower[i]) / 2;
      double centre = (upper[i] + lower[i]) / 2;
      if (i > first && i < last && h > 0) {
        double left = (density(i - 1) + density(i)) / 2;
        double right = (density(i) + density(i + 1)) / 2;
        tau[i] = left + right > 0 ? (right - left) / (3 * (left + right)) : 0;
      } else {
        tau[i] = i > first && i < last ? 0 : Double.NaN;
      }
      if (!Double.isNaN(tau[i])) {
        mean[i] = centre + tau[i] * h;
        halfWidth[i] = h;
        interiorSum += count[i] * mean[i];
      }
    }
    if (first >= 0) {
      matchEdges(first, last, sum - interiorSum);
    }
  }

  /** Requests per whole-token length in bucket i. */
  private double density(int i) {
    return count[i] / (upper[i] - lower[i] + 1);
  }

  /** Means of the first and last non-empty buckets, moved by λ·h² from their centres so that the total is {@code target}. */
  private void matchEdges(int first, int last, double target) {
    int[] edges = first == last ? new int[] {first} : new int[] {first, last};
    double limit = 1;
    for (int i : edges) {
      double h = (upper[i] - lower[i]) / 2;
      if (h > 0) {
        limit = Math.max(limit, 1 / h);
      }
    }
    double lo = -limit, hi = limit;
    for (int iteration = 0; iteration < 200; iteration++) {
      double mid = (lo + hi) / 2;
      if (edgeSum(edges, mid) < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    edgeSum(edges, (lo + hi) / 2);
    for (int i : edges) {
      halfWidth[i] = Math.max(0, Math.min(mean[i] - lower[i], upper[i] - mean[i]));
    }
  }

  private double edgeSum(int[] edges, double lambda) {
    double total = 0;
    for (int i : edges) {
      double h = (upper[i] - lower[i]) / 2;
      double centre = (upper[i] + lower[i]) / 2;
      mean[i] = Math.max(lower[i], Math.min(upper[i], centre + lambda * h * h));
      total += count[i] * mean[i];
    }
    return total;
  }

  /**
   * Reads a histogram observed over a window.
   *
   * @param meanOverride E[X] from elsewhere (a user PromQL); replaces {@code _sum / _count}
   * @throws IllegalArgumentException when the histogram counted no request in the window
   */
  public static BinnedLengths from(WindowHistogram histogram, OptionalDouble meanOverride) {
    List<WindowHistogram.Bucket> buckets = new ArrayList<>(histogram.buckets());
    buckets.sort(Comparator.comparingDouble(WindowHistogram.Bucket::upperBound));
    List<double[]> bins = new ArrayList<>();
    double previousBound = 0;
    double previousCumulative = 0;
    double previousLower = 0;
    boolean tail = false;
    for (WindowHistogram.Bucket b : buckets) {
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

  /**
   * The same distribution with every length multiplied by {@code factor}: the shape kept, the scale
   * moved. The arriving mix's mean moves before the completed requests' histogram does; this is how
   * the histogram follows it (E[X²] moves with the square of the factor).
   */
  public BinnedLengths scaled(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("a length scale factor must be a finite number > 0, got " + factor);
    }
    double[] lo = new double[lower.length];
    double[] hi = new double[upper.length];
    for (int i = 0; i < lo.length; i++) {
      lo[i] = Math.max(1, Math.floor(lower[i] * factor));
      hi[i] = Math.max(lo[i], Math.floor(upper[i] * factor));
    }
    return new BinnedLengths(metric, lo, hi, count.clone(), sum * factor, tailOpen);
  }

  private static double tailUpper(double previousLower, double previousBound) {
    double ratio = previousLower > 1 ? previousBound / (previousLower - 1) : 2;
    return Math.floor(previousBound * Math.max(2, ratio));
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

  /** E[X²] by the estimator of the class comment. */
  public double meanSquare() {
    double total = 0;
    for (int i = 0; i < count.length; i++) {
      total += count[i] * bucketMeanSquare(i);
    }
    return Math.max(total / requests, mean() * mean());
  }

  private double bucketMeanSquare(int i) {
    if (Double.isNaN(tau[i])) {
      return mean[i] * mean[i] + halfWidth[i] * halfWidth[i] / 3;
    }
    double centre = (upper[i] + lower[i]) / 2;
    double h = halfWidth[i];
    return centre * centre + 2 * centre * h * tau[i] + h * h / 3;
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

  /**
   * Draws one length from the same within-bucket model as {@link #meanSquare()}: a bucket by its
   * count, then uniform on [m − r, m + r] in an edge bucket, or the linear density 1 + 3τu across an
   * interior one; rounded to whole tokens, at least one.
   */
  public int sample(RandomGenerator random) {
    double u = random.nextDouble() * requests;
    int i = 0;
    while (i < count.length - 1 && (u >= count[i] || count[i] == 0)) {
      u -= count[i];
      i++;
    }
    double x;
    if (halfWidth[i] < 1e-9) {
      x = mean[i];
    } else if (Double.isNaN(tau[i])) {
      x = mean[i] + (2 * random.nextDouble() - 1) * halfWidth[i];
    } else {
      double centre = (upper[i] + lower[i]) / 2;
      double v;
      do {
        v = 2 * random.nextDouble() - 1;
      } while (random.nextDouble() * (1 + 3 * Math.abs(tau[i])) > 1 + 3 * tau[i] * v);
      x = centre + v * halfWidth[i];
    }
    return (int) Math.max(1, Math.round(x));
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
      double chunks;
      if (halfWidth[i] < 1e-9) {
        chunks = Math.ceil(mean[i] / chunkTokens);
      } else if (Double.isNaN(tau[i])) {
        double a = mean[i] - halfWidth[i];
        double b = mean[i] + halfWidth[i];
        chunks = (ceilingIntegral(b, chunkTokens) - ceilingIntegral(a, chunkTokens)) / (b - a);
      } else {
        chunks = linearChunks(i, chunkTokens);
      }
      total += count[i] * chunks;
    }
    return total / requests;
  }

  /** E[⌈X/ŝ⌉] over an interior bucket's linear density 1 + 3τu (u ∈ [−1, 1]), by the midpoint rule. */
  private double linearChunks(int i, int chunkTokens) {
    int points = 256;
    double centre = (upper[i] + lower[i]) / 2;
    double h = halfWidth[i];
    double weighted = 0;
    double weights = 0;
    for (int j = 0; j < points; j++) {
      double u = -1 + (2 * j + 1.0) / points;
      double w = 1 + 3 * tau[i] * u;
      weighted += w * Math.ceil((centre + u * h) / chunkTokens);
      weights += w;
    }
    return weighted / weights;
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
