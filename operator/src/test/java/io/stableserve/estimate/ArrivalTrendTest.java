package io.stableserve.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalTrendTest {

  @Test
  void aRampIsFoundWithItsSlopeAndTheRateAtTheEnd() {
    // 10 sub-intervals of 30 s, the rate rising from 2 to 6.5 req/s: 0.5 req/s per 30 s.
    double[] counts = new double[10];
    for (int i = 0; i < 10; i++) {
      counts[i] = (2 + 0.5 * i) * 30;
    }
    ArrivalTrend t = ArrivalTrend.fit(counts, 30).orElseThrow();
    assertThat(t.slope()).isCloseTo(0.5 / 30, within(1e-9));
    // the last count's middle is 15 s before the end: 6.5 + 0.5/30·15
    assertThat(t.rateAtEnd()).isCloseTo(6.75, within(1e-9));
    assertThat(t.spanSeconds()).isEqualTo(300);
  }

  @Test
  void steadyPoissonCountsRarelyReadAsATrend() {
    MersenneTwister random = new MersenneTwister(5);
    PoissonDistribution counts = new PoissonDistribution(random, 90, 1e-12, 1000);
    int trends = 0;
    int windows = 2000;
    for (int w = 0; w < windows; w++) {
      double[] c = new double[10];
      for (int i = 0; i < 10; i++) {
        c[i] = counts.sample();
      }
      if (ArrivalTrend.fit(c, 30).isPresent()) {
        trends++;
      }
    }
    assertThat(trends).as("false trends in %d steady windows", windows).isLessThan(windows / 50);
  }

  @Test
  void tooFewCountsMakeNoLine() {
    assertThat(ArrivalTrend.fit(new double[] {1, 2, 3, 4}, 30)).isEmpty();
  }

  @Test
  void theEstimatorFitsTheLineSinceARiseNotAcrossTheStep() {
    // flat at 60 per sub-interval, then a step to 180 that stays flat: the rise is found, and no trend since.
    double[] step = {60, 61, 59, 60, 62, 180, 181, 179, 180, 182};
    java.util.List<String> notes = new java.util.ArrayList<>();
    ArrivalEstimate a = Estimator.arrivals(EstimatorTest.observation(1200, 100, java.util.OptionalDouble.of(100),
        EstimatorTest.counts(step), true, java.util.Optional.empty(), java.util.OptionalDouble.empty(),
        java.util.OptionalDouble.empty()), notes);
    assertThat(a.rise()).isPresent();
    assertThat(a.trend()).isEmpty();
    // the same counts as a ramp
    double[] ramp = {60, 72, 84, 96, 108, 120, 132, 144, 156, 168};
    ArrivalEstimate r = Estimator.arrivals(EstimatorTest.observation(1140, 100, java.util.OptionalDouble.of(100),
        EstimatorTest.counts(ramp), true, java.util.Optional.empty(), java.util.OptionalDouble.empty(),
        java.util.OptionalDouble.empty()), notes);
    assertThat(r.trend()).isPresent();
    assertThat(r.trend().get().slope()).isPositive();
  }

  @Test
  void aRiseFoundOnARampIsReadAsARampAndAStepAsAStep() {
    double[] ramp = {60, 66, 72, 78, 84, 90, 96, 102, 108, 114};
    double[] step = {60, 61, 59, 60, 62, 180, 181, 179, 180, 182};
    assertThat(ArrivalTrend.rampRatherThanStep(ramp)).isTrue();
    assertThat(ArrivalTrend.rampRatherThanStep(step)).isFalse();
  }

  @Test
  void aStepsFirstSubIntervalsAreNoTrend() {
    // a step in the newest sub-intervals: a line through the window has a slope of many standard
    // errors, but one step fits the counts better
    double[] start = {65, 66, 64, 65, 66, 64, 120, 121, 119, 120};
    assertThat(ArrivalTrend.fit(start, 10)).as("the line alone").isPresent();
    assertThat(ArrivalTrend.rampRatherThanStep(start)).isFalse();
  }

  @Test
  void theEstimatorRarelyReadsAFreshStepAsATrend() {
    // Poisson counts of 10 sub-intervals of 10 s, 6.6 req/s, then 19.7 req/s for the newest two or
    // three: whether or not the rise is found yet, a scale-up must not be sized on a line through it.
    MersenneTwister random = new MersenneTwister(11);
    PoissonDistribution before = new PoissonDistribution(random, 66, 1e-12, 1000);
    PoissonDistribution after = new PoissonDistribution(random, 197, 1e-12, 1000);
    int trends = 0;
    int windows = 2000;
    for (int w = 0; w < windows; w++) {
      int stepped = 2 + w % 2;
      double[] c = new double[10];
      double sum = 0;
      for (int i = 0; i < 10; i++) {
        c[i] = i < 10 - stepped ? before.sample() : after.sample();
        sum += c[i];
      }
      ArrivalEstimate a = Estimator.arrivals(EstimatorTest.observation(sum, 0, java.util.OptionalDouble.of(0),
          EstimatorTest.counts(c), true, java.util.Optional.empty(), java.util.OptionalDouble.empty(),
          java.util.OptionalDouble.empty()), new java.util.ArrayList<>());
      if (a.trend().isPresent()) {
        trends++;
      }
    }
    assertThat(trends).as("trends read in %d windows ending in a step", windows).isLessThan(windows / 100);
  }

  @Test
  void aPoissonRampIsNoBurstierThanPoisson() {
    // Poisson counts of 10 sub-intervals on the diurnal day's ramp (25.6 → 127.8 req/s over 10 min,
    // so 51 req/s across a 5-minute window of 30 s counts): around their mean the counts spread about
    // 60 times Poisson, which the SLO sizing would read as bursts; around the trend, as Poisson.
    MersenneTwister random = new MersenneTwister(3);
    double[] burstiness = new double[500];
    for (int w = 0; w < burstiness.length; w++) {
      double sum = 0;
      double[] c = new double[10];
      for (int i = 0; i < 10; i++) {
        double rate = 60 + 5.1 * (i + 0.5);
        c[i] = new PoissonDistribution(random, rate * 30, 1e-12, 1000).sample();
        sum += c[i];
      }
      ArrivalEstimate a = Estimator.arrivals(EstimatorTest.observation(sum, 0, java.util.OptionalDouble.of(0),
          EstimatorTest.counts(c), true, java.util.Optional.empty(), java.util.OptionalDouble.empty(),
          java.util.OptionalDouble.empty()), new java.util.ArrayList<>());
      assertThat(a.trend()).as("window %d", w).isPresent();
      burstiness[w] = a.burstiness().getAsDouble();
      assertThat(a.standardError()).as("window %d: the mean's error is the counts' noise, not the ramp", w)
          .isLessThan(3 * Math.sqrt(sum) / a.windowSeconds());
    }
    assertThat(org.apache.commons.math3.stat.StatUtils.mean(burstiness)).isCloseTo(1, within(0.15));
    assertThat(org.apache.commons.math3.stat.StatUtils.max(burstiness)).isLessThan(4);
  }

  @Test
  void aSteadyWindowsBurstinessIsTheCountsSpreadAroundTheirMean() {
    // no trend: a burst in one sub-interval stands in the index of dispersion in full
    double[] counts = {900, 910, 890, 900, 2400, 895, 900, 900, 905, 895};
    ArrivalEstimate a = Estimator.arrivals(EstimatorTest.observation(java.util.Arrays.stream(counts).sum(), 0,
        java.util.OptionalDouble.of(0), EstimatorTest.counts(counts), true, java.util.Optional.empty(),
        java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty()), new java.util.ArrayList<>());
    assertThat(a.trend()).isEmpty();
    assertThat(a.burstiness().getAsDouble()).isCloseTo(
        org.apache.commons.math3.stat.StatUtils.variance(counts) / org.apache.commons.math3.stat.StatUtils.mean(counts), within(1e-9));
  }

  @Test
  void aLoadThatFallsAwayIsNotReadAsBursts() {
    // About 780 arrivals a sub-interval (Poisson), then night: around the window's mean the counts
    // spread about 170 times Poisson, and even from one sub-interval to the next the one step reads
    // 50 times; the SLO count would have asked for more replicas as the load went. Around the two
    // rates of the fall, as Poisson.
    double[] counts = {772, 801, 769, 790, 758, 781, 775, 796, 0, 1};
    List<String> notes = new ArrayList<>();
    ArrivalEstimate a = estimateOf(counts, notes);
    assertThat(a.rise()).isEmpty();
    assertThat(a.trend()).isEmpty();
    assertThat(ArrivalTrend.varianceBetweenNeighbours(counts) / org.apache.commons.math3.stat.StatUtils.mean(counts))
        .as("between neighbours").isGreaterThan(40);
    assertThat(a.burstiness().getAsDouble()).isCloseTo(1, within(0.5));
    assertThat(notes).anyMatch(n -> n.startsWith("arrivals fell from 78.0 to 0.0500 req/s"));
  }

  private static ArrivalEstimate estimateOf(double[] counts) {
    return estimateOf(counts, new ArrayList<>());
  }

  /** The estimate of {@code counts}, its notes added to {@code notes}. */
  private static ArrivalEstimate estimateOf(double[] counts, List<String> notes) {
    return Estimator.arrivals(EstimatorTest.observation(java.util.Arrays.stream(counts).sum(), 0,
        java.util.OptionalDouble.of(0), EstimatorTest.counts(counts), true, java.util.Optional.empty(),
        java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty()), notes);
  }

  @Test
  void theVarianceBetweenNeighboursLeavesOutADriftAndIsTheVarianceOfIndependentCounts() {
    // differences 2, −2, 2 less their mean 0.667: 1.333² + 2.667² + 1.333² over 2(3 − 1/3)
    assertThat(ArrivalTrend.varianceBetweenNeighbours(new double[] {10, 12, 10, 12})).isCloseTo(
        (1.3333333333 * 1.3333333333 * 2 + 2.6666666667 * 2.6666666667) / (2 * (3 - 1 / 3.0)), within(1e-6));
    assertThat(ArrivalTrend.varianceBetweenNeighbours(new double[] {3, 5, 7, 9, 11})).as("a drift alone").isCloseTo(0, within(1e-12));
    MersenneTwister random = new MersenneTwister(9);
    PoissonDistribution poisson = new PoissonDistribution(random, 900, 1e-12, 1000);
    double[] ratio = new double[2000];
    for (int w = 0; w < ratio.length; w++) {
      double[] c = new double[10];
      for (int i = 0; i < c.length; i++) {
        c[i] = poisson.sample();
      }
      ratio[w] = ArrivalTrend.varianceBetweenNeighbours(c) / 900;
    }
    assertThat(org.apache.commons.math3.stat.StatUtils.mean(ratio)).as("Poisson: about its mean").isCloseTo(1, within(0.05));
  }

  @Test
  void aSteadyWindowWhoseRateSwingsSlowlyIsAboutPoissonNotBursty() {
    // Poisson counts whose rate swings by ±25% over 15 minutes, as a trace's load does: in a 5-minute
    // window the counts spread around their mean several times Poisson; from one sub-interval to the
    // next, about as Poisson.
    MersenneTwister random = new MersenneTwister(4);
    int windows = 300;
    double[] burstiness = new double[windows];
    double[] aroundMean = new double[windows];
    int steady = 0;
    for (int w = 0; w < windows; w++) {
      double phase = 2 * Math.PI * random.nextDouble();
      double[] c = new double[10];
      for (int i = 0; i < c.length; i++) {
        double rate = 30 * (1 + 0.25 * Math.sin(phase + 2 * Math.PI * (i + 0.5) / 30));
        c[i] = new PoissonDistribution(random, rate * 30, 1e-12, 1000).sample();
      }
      ArrivalEstimate a = estimateOf(c);
      if (a.rise().isEmpty() && a.trend().isEmpty()) {
        aroundMean[steady] = org.apache.commons.math3.stat.StatUtils.variance(c) / org.apache.commons.math3.stat.StatUtils.mean(c);
        burstiness[steady++] = a.burstiness().getAsDouble();
      }
    }
    assertThat(steady).as("windows read as steady").isGreaterThan(windows / 5);
    assertThat(org.apache.commons.math3.stat.StatUtils.mean(aroundMean, 0, steady)).as("around the mean").isGreaterThan(3);
    assertThat(org.apache.commons.math3.stat.StatUtils.mean(burstiness, 0, steady)).isLessThan(2);
  }

  @Test
  void aRiseKeepsTheSpreadAroundTheMeanAsHeadroom() {
    double[] step = {900, 905, 895, 900, 900, 910, 1800, 1790, 1810, 1800};
    ArrivalEstimate a = estimateOf(step);
    assertThat(a.rise()).isPresent();
    assertThat(a.burstiness().getAsDouble()).isCloseTo(
        org.apache.commons.math3.stat.StatUtils.variance(step) / org.apache.commons.math3.stat.StatUtils.mean(step), within(1e-9));
  }

  @Test
  void theVarianceAroundALineIsItsResidualSumOfSquaresOverKMinus2() {
    // residuals +1, −1, +1, −1, +1 around the line 10 + 2i... and the line fitted to them
    double[] counts = {11, 11, 15, 15, 19};
    org.apache.commons.math3.stat.regression.SimpleRegression line = new org.apache.commons.math3.stat.regression.SimpleRegression();
    for (int i = 0; i < counts.length; i++) {
      line.addData(i, counts[i]);
    }
    assertThat(ArrivalTrend.varianceAroundLine(counts)).isCloseTo(line.getSumSquaredErrors() / 3, within(1e-12));
    assertThat(ArrivalTrend.varianceAroundLine(new double[] {3, 5, 7, 9, 11})).isCloseTo(0, within(1e-12));
  }

  @Test
  void theWindowsLastFifthStandingAboveItsMeanIsARise() {
    // a steady 30 req/s for eight sub-intervals of 30 s, then 45 req/s: the mean lags
    double[] counts = {900, 900, 900, 900, 900, 900, 900, 900, 1350, 1350};
    double mean = java.util.Arrays.stream(counts).sum() / 300;
    RateChange r = Estimator.recentRise(counts, 30, mean, java.util.OptionalDouble.of(1)).orElseThrow();
    assertThat(r.rateAfter()).isCloseTo(45, within(1e-9));
    assertThat(r.secondsAgo()).isEqualTo(60);
    assertThat(Estimator.recentRise(counts, 30, mean, java.util.OptionalDouble.of(1e6)))
        .as("bursty counts: the same lift is within their noise").isEmpty();
    double[] flat = {900, 910, 890, 900, 905, 895, 900, 900, 905, 895};
    assertThat(Estimator.recentRise(flat, 30, 30, java.util.OptionalDouble.of(1))).isEmpty();
  }
}
