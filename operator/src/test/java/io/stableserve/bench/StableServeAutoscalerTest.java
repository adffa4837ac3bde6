package io.stableserve.bench;

import io.stableserve.observe.ObservationWindow;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.TtftSlo;
import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.estimate.Estimator;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.sim.StabilityModels;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.StepTimeModel;
import java.time.Duration;
import org.assertj.core.data.Offset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StableServeAutoscalerTest {

  private static final ObservationWindow CONFIG = new ObservationWindow(Duration.ofMinutes(5), Duration.ofSeconds(30));
  private static final EngineConfig ENGINE = EngineConfig.of(65_536, 512, new StepTimeModel(0.02, 0, 0));

  /** Every request: prompt in (200, 500], output in (50, 100]; n of them so far. */
  private static WindowHistogram histogram(String name, double n, double low, double high, double mean) {
    return new WindowHistogram(name, List.of(new WindowHistogram.Bucket(low, 0), new WindowHistogram.Bucket(high, n),
        new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, n)), n * mean, n);
  }

  private static FleetMetrics.Counters counters(double t, long completed, double inSystem) {
    return new FleetMetrics.Counters(t, completed, inSystem, 0, histogram("p", completed, 200, 500, 350),
        histogram("o", completed, 50, 100, 75));
  }

  @Test
  void arrivalsAreCompletionsPlusTheGrowthOfTheBacklog() throws Exception {
    FleetMetrics m = new FleetMetrics(600);
    // 10 completions per second and 2 more requests in the system every 15 s: λ = 10 + 2/15
    for (int t = 0; t <= 300; t += 15) {
      m.record(counters(t, 10L * t, 20 + 2 * t / 15.0));
    }
    ServiceEstimate estimate = Estimator.estimate(StableServeAutoscaler.observe(m, CONFIG, false));
    assertThat(estimate.arrivalRate()).isCloseTo(10 + 2 / 15.0, Offset.offset(1e-9));
    assertThat(estimate.arrivals().standardError()).as("every 30 s sub-interval has the same rate").isCloseTo(0, Offset.offset(1e-9));
    assertThat(estimate.workload().orElseThrow().prompt().mean()).isEqualTo(350);
  }

  @Test
  void theLatestPromptsMeanIsTheNewestSnapshotIntervals() throws Exception {
    FleetMetrics m = new FleetMetrics(600);
    long tokens = 0;
    // 10 first tokens a second, prompts of 500 tokens until the last snapshot interval, 6,000 in it.
    for (int t = 0; t <= 300; t += 15) {
      long started = 10L * t;
      m.record(new FleetMetrics.Counters(t, started, 20, 0, histogram("p", started, 200, 500, 350), histogram("o", started, 50, 100, 75),
          tokens, histogram("t", started, 0.1, 1, 0.5), 0));
      tokens += 150L * (t + 15 == 300 ? 6000 : 500);
    }
    var lengths = StableServeAutoscaler.observe(m, CONFIG, false).lengths();
    assertThat(lengths.latestPromptMean()).as("285 to 300 s").hasValue(6000);
    assertThat(lengths.recentPromptMean()).as("the last two sub-intervals, 240 to 300 s").hasValue((450 * 500 + 150 * 6000) / 600.0);
  }

  @Test
  void withoutACompletionItHolds() {
    FleetMetrics m = new FleetMetrics(600);
    m.record(new FleetMetrics.Counters(0, 0, 0, 0, histogram("p", 0, 200, 500, 0), histogram("o", 0, 50, 100, 0)));
    m.record(new FleetMetrics.Counters(15, 0, 5, 0, histogram("p", 0, 200, 500, 0), histogram("o", 0, 50, 100, 0)));
    m.record(new FleetMetrics.Scrape(15, List.of(), 0));
    StableServeAutoscaler ss = new StableServeAutoscaler(new ReplicaRange(1, 40), 0.85, Duration.ofSeconds(120), ENGINE,
        ModelKind.ITERATIVE);
    assertThat(ss.decide(m, 3, 3)).isEqualTo(3);
    assertThat(ss.lastEvaluation().orElseThrow().metricsFailure()).as("no completion: the operator holds for lack of data").isPresent();
  }

  @Test
  void eachRunSolvesWithSolversOfItsOwn() {
    StableServeAutoscaler one = new StableServeAutoscaler(new ReplicaRange(1, 40), 0.85, Duration.ofSeconds(120), ENGINE,
        ModelKind.SCHEDULER);
    StableServeAutoscaler other = new StableServeAutoscaler(new ReplicaRange(1, 40), 0.85, Duration.ofSeconds(120), ENGINE,
        ModelKind.SCHEDULER);
    assertThat(one.settings().solvers()).as("a run's remembered saturated runs are its own")
        .isNotSameAs(other.settings().solvers()).isNotSameAs(StabilityModels.shared());
    assertThat(one.withSlo(new TtftSlo(2, 0.99)).readingTheGateway().settings().solvers())
        .isSameAs(one.settings().solvers());
    StableServeMixAutoscaler mix = StableServeMixAutoscaler.of(MixPolicyRunTest.setup(), BenchVariant.MIXED);
    assertThat(mix.settings().solvers()).isNotSameAs(StableServeMixAutoscaler.of(MixPolicyRunTest.setup(), BenchVariant.MIXED)
        .settings().solvers()).isNotSameAs(StabilityModels.shared());
  }
}
