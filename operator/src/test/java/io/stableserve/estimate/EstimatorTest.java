package io.stableserve.estimate;

import io.stableserve.observe.ObservationWindow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stableserve.observe.KvCacheCapacity;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observation;
import io.stableserve.observe.Observation.IntervalSample;
import io.stableserve.observe.Signal;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.solve.StepTimeModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EstimatorTest {

  static final Instant AT = Instant.ofEpochSecond(1_700_000_000);
  static final Duration WINDOW = Duration.ofSeconds(100);
  static final Duration STEP = Duration.ofSeconds(10);
  static final VllmMetricNames NAMES = new VllmMetricNames(VllmMetricNames.Generation.V1, Map.of(), List.of());

  static WindowHistogram lengths(String metric, double count, double mean) {
    return new WindowHistogram(metric, List.of(new WindowHistogram.Bucket(100, 0), new WindowHistogram.Bucket(1000, count),
        new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, count)), count * mean, count);
  }

  /** An observation; intervals carry the given arrival counts and step figures. */
  static Observation observation(double completions, double inSystemNow, OptionalDouble inSystemAtStart, List<IntervalSample> intervals,
      boolean histograms, Optional<KvCacheCapacity> kv, OptionalDouble stepSeconds, OptionalDouble stepsPerSecond) {
    return new Observation(AT, new ObservationWindow(WINDOW, STEP), NAMES,
        new Observation.RequestFlow(completions, inSystemNow, inSystemAtStart, OptionalDouble.empty()),
        new Observation.Occupancy(2, Math.min(10, inSystemNow), inSystemNow - Math.min(10, inSystemNow), OptionalDouble.empty(),
            OptionalDouble.of(0.5)),
        new Observation.TokenLengths(histograms ? Optional.of(lengths("p", completions, 500)) : Optional.empty(),
            histograms ? Optional.of(lengths("o", completions, 200)) : Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty()),
        new Observation.EngineSignals(kv, OptionalDouble.of(0.0), stepsPerSecond, OptionalDouble.empty(), stepSeconds), intervals,
        Duration.ZERO, List.of());
  }

  static List<IntervalSample> counts(double... arrivals) {
    List<IntervalSample> out = new ArrayList<>();
    for (int i = 0; i < arrivals.length; i++) {
      out.add(IntervalSample.arrivalsOnly(AT.minus(STEP.multipliedBy(arrivals.length - 1 - i)), arrivals[i]));
    }
    return out;
  }

  @Test
  void arrivalsAddTheBacklogGrowthToCompletions() {
    // 300 completed in 100 s while the backlog grew from 10 to 60: 350 arrived.
    ServiceEstimate e = Estimator.estimate(observation(300, 60, OptionalDouble.of(10), counts(35, 35, 35, 35, 35, 35, 35, 35, 35, 35),
        true, Optional.empty(), OptionalDouble.of(0.02), OptionalDouble.empty()));
    assertThat(e.arrivalRate()).isCloseTo(3.5, within(1e-12));
    assertThat(e.completionRate()).isCloseTo(3.0, within(1e-12));
    assertThat(e.arrivals().backlogGrowthPerSecond()).isCloseTo(0.5, within(1e-12));
    assertThat(e.arrivals().standardError()).isZero();
    assertThat(e.arrivals().basis()).isEqualTo(ArrivalEstimate.UncertaintyBasis.SUB_INTERVALS);
  }

  @Test
  void theStandardErrorAndBurstinessComeFromTheSubIntervals() {
    double[] a = {10, 30, 10, 30, 10, 30, 10, 30, 10, 30};
    ServiceEstimate e = Estimator.estimate(observation(200, 10, OptionalDouble.of(10), counts(a), true, Optional.empty(),
        OptionalDouble.of(0.02), OptionalDouble.empty()));
    // Sample variance of the counts: 10 · 100 / 9; rates are counts / 10 s.
    double variance = 10 * 100.0 / 9;
    assertThat(e.arrivals().standardError()).isCloseTo(Math.sqrt(variance) / 10 / Math.sqrt(10), within(1e-12));
    assertThat(e.arrivals().burstiness().getAsDouble()).isCloseTo(variance / 20, within(1e-12));
    assertThat(e.workload().orElseThrow().arrivals()).hasValueSatisfying(s -> assertThat(s.burstiness()).isCloseTo(variance / 20, within(1e-12)));
  }

  @Test
  void aWindowWithSubIntervalsMissingReadsTheRateOverTheCoveredPartWithAPoissonError() {
    // After an outage only the last 2 of the 10 sub-intervals have data: increase() over the whole
    // window saw those 20 s only, so 400 arrivals are 20 req/s, not 4.
    ServiceEstimate e = Estimator.estimate(observation(400, 10, OptionalDouble.empty(), counts(200, 200), true, Optional.empty(),
        OptionalDouble.of(0.02), OptionalDouble.empty()));
    assertThat(e.window()).isEqualTo(Duration.ofSeconds(20));
    assertThat(e.arrivalRate()).isCloseTo(20, within(1e-12));
    assertThat(e.arrivals().basis()).isEqualTo(ArrivalEstimate.UncertaintyBasis.POISSON);
    assertThat(e.arrivals().standardError()).isCloseTo(Math.sqrt(400) / 20, within(1e-12));
    assertThat(e.arrivals().burstiness()).isEmpty();
    assertThat(e.notes()).anyMatch(n -> n.contains("data for 20 s of 100 s"));
  }

  @Test
  void aShrinkingBacklogWithNoCompletionsReadsAsZeroWithANote() {
    ServiceEstimate e = Estimator.estimate(observation(0, 0, OptionalDouble.of(5), counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), false, Optional.empty(),
        OptionalDouble.empty(), OptionalDouble.empty()));
    assertThat(e.arrivalRate()).isZero();
    assertThat(e.arrivals().standardError()).isEqualTo(1.0 / 100);
    assertThat(e.notes()).anyMatch(n -> n.contains("negative"));
    assertThat(e.workload()).isEmpty();
    assertThat(e.stepTime()).isEmpty();
  }

  @Test
  void withoutTheBacklogAtTheStartArrivalsReadAsCompletionsAndSaySo() {
    ServiceEstimate e = Estimator.estimate(observation(100, 50, OptionalDouble.empty(), counts(), true, Optional.empty(),
        OptionalDouble.of(0.02), OptionalDouble.empty()));
    assertThat(e.arrivalRate()).isEqualTo(1.0);
    assertThat(e.notes()).anyMatch(n -> n.contains("backlog growth unknown"));
  }

  static List<IntervalSample> steps(StepTimeModel truth, long m, double[] tokens, double[] usage) {
    List<IntervalSample> out = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      double b = truth.stepSeconds(tokens[i], usage[i] * m);
      out.add(new IntervalSample(AT.minus(STEP.multipliedBy(tokens.length - 1 - i)), 10, OptionalDouble.of(1 / b),
          OptionalDouble.of(tokens[i]), OptionalDouble.of(usage[i]), OptionalDouble.of(b), OptionalDouble.empty()));
    }
    return out;
  }

  @Test
  void stepTimeCoefficientsAreRecoveredWhenTokensAndCacheVaryApart() {
    StepTimeModel truth = new StepTimeModel(0.012, 3e-5, 2e-7);
    double[] tokens = {100, 400, 250, 600, 150, 500, 300, 700};
    double[] usage = {0.2, 0.3, 0.8, 0.5, 0.9, 0.1, 0.6, 0.4};
    Optional<KvCacheCapacity> kv = Optional.of(new KvCacheCapacity(50_000, 50_000, 1, "test"));
    ServiceEstimate e = Estimator.estimate(observation(100, 10, OptionalDouble.of(10), steps(truth, 50_000, tokens, usage), true, kv,
        OptionalDouble.of(0.03), OptionalDouble.empty()));
    StepTimeEstimate s = e.stepTime().orElseThrow();
    assertThat(s.method()).isEqualTo(StepTimeEstimate.Method.FITTED);
    assertThat(s.model().baseSeconds()).isCloseTo(0.012, within(1e-9));
    assertThat(s.model().secondsPerToken()).isCloseTo(3e-5, within(1e-11));
    assertThat(s.model().secondsPerKvToken()).isCloseTo(2e-7, within(1e-13));
  }

  @Test
  void withoutTheCacheSizeOnlyC0AndC1AreFitted() {
    StepTimeModel truth = new StepTimeModel(0.012, 3e-5, 0);
    double[] tokens = {100, 400, 250, 600, 150, 500};
    double[] usage = {0.2, 0.3, 0.8, 0.5, 0.9, 0.1};
    StepTimeEstimate s = Estimator.estimate(observation(100, 10, OptionalDouble.of(10), steps(truth, 1, tokens, usage), true,
        Optional.empty(), OptionalDouble.of(0.03), OptionalDouble.empty())).stepTime().orElseThrow();
    assertThat(s.method()).isEqualTo(StepTimeEstimate.Method.FITTED);
    assertThat(s.model().secondsPerKvToken()).isZero();
    assertThat(s.model().secondsPerToken()).isCloseTo(3e-5, within(1e-11));
    assertThat(s.note()).contains("M unknown");
  }

  @Test
  void aSteadyLoadGivesTheMeanInterTokenLatency() {
    StepTimeModel truth = new StepTimeModel(0.012, 3e-5, 2e-7);
    double[] tokens = {300, 300, 300, 300, 300, 300, 300};
    double[] usage = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    Optional<KvCacheCapacity> kv = Optional.of(new KvCacheCapacity(50_000, 50_000, 1, "test"));
    StepTimeEstimate s = Estimator.estimate(observation(100, 10, OptionalDouble.of(10), steps(truth, 50_000, tokens, usage), true, kv,
        OptionalDouble.of(0.026), OptionalDouble.empty())).stepTime().orElseThrow();
    assertThat(s.method()).isEqualTo(StepTimeEstimate.Method.MEAN_INTER_TOKEN_LATENCY);
    assertThat(s.model()).isEqualTo(StepTimeModel.constant(0.026));
    assertThat(s.note()).contains("varied too little");
  }

  @Test
  void withoutInterTokenLatencyTheStepRateGivesAnUpperBound() {
    StepTimeEstimate s = Estimator.estimate(observation(100, 10, OptionalDouble.of(10), counts(), true, Optional.empty(),
        OptionalDouble.empty(), OptionalDouble.of(80))).stepTime().orElseThrow();
    assertThat(s.method()).isEqualTo(StepTimeEstimate.Method.MEAN_FROM_STEP_RATE);
    // 2 replicas at 80 steps per second in all: 25 ms a step.
    assertThat(s.meanStepSeconds()).isCloseTo(0.025, within(1e-12));
    assertThat(s.note()).contains("overestimates");
  }

  @Test
  void engineSettingsTakeWhatIsGivenAndFillTheRestFromTheEstimate() throws Exception {
    Optional<KvCacheCapacity> kv = Optional.of(new KvCacheCapacity(40_000, 48_000, 2, "kv_cache_size_tokens label"));
    ServiceEstimate e = Estimator.estimate(observation(100, 10, OptionalDouble.of(10), counts(), true, kv, OptionalDouble.of(0.03),
        OptionalDouble.empty()));
    EngineSettings.ResolvedEngine r = EngineSettings.none().resolve(e);
    assertThat(r.config().kvCacheTokens()).isEqualTo(40_000);
    assertThat(r.kvCacheTokens()).isEqualTo(Provenance.OBSERVED);
    assertThat(r.chunkTokens()).isEqualTo(Provenance.DEFAULT);
    assertThat(r.stepTime()).isEqualTo(Provenance.OBSERVED);
    assertThat(r.notes()).anyMatch(n -> n.contains("different KV-cache sizes"));
    EngineSettings given = new EngineSettings(OptionalLong.of(99_000), OptionalInt.of(512), OptionalInt.of(64), OptionalInt.empty(),
        Optional.of(StepTimeModel.constant(0.05)));
    EngineSettings.ResolvedEngine g = given.resolve(e);
    assertThat(g.config().kvCacheTokens()).isEqualTo(99_000);
    assertThat(g.config().maxNumSeqs()).hasValue(64);
    assertThat(List.of(g.kvCacheTokens(), g.chunkTokens(), g.stepTime())).containsOnly(Provenance.GIVEN);
  }

  @Test
  void anUnknownCacheSizeThatIsNotGivenIsNoData() {
    ServiceEstimate e = Estimator.estimate(observation(100, 10, OptionalDouble.of(10), counts(), true, Optional.empty(),
        OptionalDouble.of(0.03), OptionalDouble.empty()));
    MetricsUnavailableException x = assertThrows(MetricsUnavailableException.class, () -> EngineSettings.none().resolve(e));
    assertThat(x.problem()).isEqualTo(MetricsProblem.NO_DATA);
    assertThat(x.signal()).contains(Signal.KV_CACHE_TOKENS);
    assertThat(x.getMessage()).contains("give the KV-cache tokens");
  }
}
