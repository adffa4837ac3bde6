package io.stableserve.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.observe.WindowHistogram;
import io.stableserve.testing.VllmHistograms;
import io.stableserve.workload.ProjectData;
import io.stableserve.workload.Trace;
import io.stableserve.workload.TraceReader;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BinnedLengthsTest {

  /** Bins whole-token lengths the way vLLM's histogram does, with +Inf. */
  static WindowHistogram histogram(int[] lengths) {
    return VllmHistograms.of("test", java.util.Arrays.stream(lengths).asLongStream().toArray());
  }

  static int[] draw(DoubleSupplier length, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) Math.max(1, Math.round(length.getAsDouble()));
    }
    return out;
  }

  static double meanSquare(int[] xs) {
    double s = 0;
    for (int x : xs) {
      s += (double) x * x;
    }
    return s / xs.length;
  }

  static double meanChunks(int[] xs, int chunk) {
    double s = 0;
    for (int x : xs) {
      s += Math.ceil((double) x / chunk);
    }
    return s / xs.length;
  }

  /** Relative error of E[X²] and checks that hold for every distribution; prints a row for docs/estimation.md. */
  static double check(String name, int[] xs) {
    BinnedLengths b = BinnedLengths.from(histogram(xs), OptionalDouble.empty());
    double truth = meanSquare(xs);
    double error = b.meanSquare() / truth - 1;
    double chunkError = b.meanChunks(512) / meanChunks(xs, 512) - 1;
    System.out.printf(Locale.ROOT, "| %-22s | %9d | %12.5g | %12.5g | %+6.1f%% | [%.4g, %.4g] | %+6.1f%% |%n", name, xs.length, truth,
        b.meanSquare(), 100 * error, b.meanSquareLowerBound(), b.meanSquareUpperBound().orElse(Double.NaN), 100 * chunkError);
    double mean = 0;
    for (int x : xs) {
      mean += x;
    }
    assertThat(b.mean()).isCloseTo(mean / xs.length, within(1e-9 * mean));
    assertThat(truth).isGreaterThanOrEqualTo(b.meanSquareLowerBound() * (1 - 1e-12));
    // Unbounded above only when lengths beyond the last finite bucket were seen.
    assertThat(b.meanSquareUpperBound().isPresent()).isEqualTo(!b.tailOpen());
    if (b.meanSquareUpperBound().isPresent()) {
      assertThat(truth).isLessThanOrEqualTo(b.meanSquareUpperBound().getAsDouble() * (1 + 1e-12));
    }
    return error;
  }

  @Test
  void secondMomentsOfSyntheticDistributionsAreWithinTwelvePercent() {
    RandomGenerator random = new MersenneTwister(20261123);
    int n = 200_000;
    assertThat(check("U(300, 3000)", draw(() -> 300 + 2700 * random.nextDouble(), n))).isBetween(-0.03, 0.03);
    assertThat(check("U(20, 600)", draw(() -> 20 + 580 * random.nextDouble(), n))).isBetween(-0.03, 0.03);
    assertThat(check("U(10, 1600)", draw(() -> 10 + 1590 * random.nextDouble(), n))).isBetween(-0.03, 0.03);
    assertThat(check("exponential, mean 200", draw(() -> -200 * Math.log(1 - random.nextDouble()), n))).isBetween(-0.12, 0.12);
    assertThat(check("lognormal(6, 1)", draw(() -> Math.exp(6 + random.nextGaussian()), n))).isBetween(-0.12, 0.12);
    // One bucket says nothing about the spread inside it: uniform on the widest interval around the mean is assumed.
    assertThat(check("fixed 700", draw(() -> 700, 1000))).isBetween(0.0, 0.03);
  }

  @Test
  void secondMomentsOfTheAzureTracesAreWithinTwelvePercent() throws Exception {
    for (String file : List.of("azure-llm-2023-conv.csv", "azure-llm-2023-code.csv")) {
      Trace trace = TraceReader.read(ProjectData.file(file));
      int[] prompts = new int[trace.size()];
      int[] outputs = new int[trace.size()];
      for (int i = 0; i < trace.size(); i++) {
        prompts[i] = Math.max(1, trace.promptTokens(i));
        outputs[i] = Math.max(1, trace.outputTokens(i));
      }
      assertThat(check(file + " prompt", prompts)).isBetween(-0.12, 0.12);
      assertThat(check(file + " output", outputs)).isBetween(-0.12, 0.12);
    }
  }

  @Test
  void aMeanOverrideMovesTheFirstMoment() {
    int[] xs = draw(() -> 100, 10);
    BinnedLengths b = BinnedLengths.from(histogram(xs), OptionalDouble.of(90));
    assertThat(b.mean()).isEqualTo(90);
    assertThat(b.max()).isLessThanOrEqualTo(b.maxBound());
  }

  @Test
  void anOpenTailMakesTheUpperBoundUnbounded() {
    List<WindowHistogram.Bucket> buckets = List.of(new WindowHistogram.Bucket(100, 5), new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, 10));
    BinnedLengths b = BinnedLengths.from(new WindowHistogram("t", buckets, 5 * 50 + 5 * 400, 10), OptionalDouble.empty());
    assertThat(b.tailOpen()).isTrue();
    assertThat(b.meanSquareUpperBound()).isEmpty();
    assertThat(b.mean()).isEqualTo(225);
    assertThat(b.max()).isGreaterThanOrEqualTo(400);
  }

  @Test
  void aHistogramWithoutInfBucketTakesTheTailFromTheCount() {
    // As the published V0 page: buckets up to 96 and no +Inf line; _count says 2 more requests.
    List<WindowHistogram.Bucket> buckets = List.of(new WindowHistogram.Bucket(32, 8), new WindowHistogram.Bucket(96, 8));
    BinnedLengths b = BinnedLengths.from(new WindowHistogram("t", buckets, 8 * 10 + 2 * 200, 10), OptionalDouble.empty());
    assertThat(b.requests()).isEqualTo(10);
    assertThat(b.tailOpen()).isTrue();
    assertThat(b.mean()).isEqualTo(48);
  }

  @Test
  void noRequestsInTheWindowIsRefused() {
    List<WindowHistogram.Bucket> buckets = List.of(new WindowHistogram.Bucket(100, 0), new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, 0));
    assertThatThrownBy(() -> BinnedLengths.from(new WindowHistogram("vllm:request_prompt_tokens", buckets, 0, 0), OptionalDouble.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counted no request");
  }

  @Test
  void drawsFromTheSameWithinBucketModelAsItsMoments() {
    RandomGenerator random = new org.apache.commons.math3.random.MersenneTwister(3);
    int[] xs = draw(() -> 300 + 2700 * random.nextDouble(), 20_000);
    BinnedLengths b = BinnedLengths.from(histogram(xs), OptionalDouble.empty());
    RandomGenerator draws = new org.apache.commons.math3.random.MersenneTwister(5);
    int n = 200_000;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      int x = b.sample(draws);
      assertThat(x).isBetween(201, 5000);
      sum += x;
      squares += (double) x * x;
    }
    assertThat(sum / n).isCloseTo(b.mean(), org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(squares / n).isCloseTo(b.meanSquare(), org.assertj.core.data.Percentage.withPercentage(2));
  }
}
