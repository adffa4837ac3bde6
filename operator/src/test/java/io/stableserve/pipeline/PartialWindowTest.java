package io.stableserve.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.decide.DecisionReason;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.Observation;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** After a scrape outage longer than part of the window, or for a service younger than it. */
class PartialWindowTest {

  /** 30 req/s; only the newest {@code subIntervals} of the ten have data, and increase() saw only those. */
  static Observation after(int subIntervals) {
    Observation full = SloPipelineTest.observation(Optional.empty(), OptionalDouble.empty());
    var kept = full.intervals().subList(full.intervals().size() - subIntervals, full.intervals().size());
    double completions = kept.stream().mapToDouble(Observation.IntervalSample::arrivals).sum();
    return new Observation(full.at(), full.window(), full.names(),
        new Observation.RequestFlow(completions, full.flow().inSystemNow(), OptionalDouble.empty(), OptionalDouble.empty()),
        full.occupancy(), full.lengths(), full.engine(), kept, full.newestSampleAge(), full.notes());
  }

  @Test
  void aWindowMostlyCoveredReadsTheRateOverTheCoveredPart() {
    Evaluation e = ScalingPipeline.evaluate(after(6), SloPipelineTest.settings(), ServiceMemory.empty(), ReplicaCounts.allReady(4),
        SloPipelineTest.NOW);
    // 6 × 900 arrivals in 180 s: 30 req/s, where dividing by the whole 300 s window read 18.
    assertThat(e.estimate().orElseThrow().arrivalRate()).isCloseTo(30, within(0.2));
    assertThat(e.metricsFailure()).isEmpty();
  }

  @Test
  void aWindowLessThanHalfCoveredHoldsTheCountAndSaysWhy() {
    Evaluation e = ScalingPipeline.evaluate(after(4), SloPipelineTest.settings(), ServiceMemory.empty(), ReplicaCounts.allReady(9),
        SloPipelineTest.NOW);
    assertThat(e.decision().desiredReplicas()).as("never scaled down on a partial window").isEqualTo(9);
    assertThat(e.decision().reason()).isEqualTo(DecisionReason.METRICS_UNAVAILABLE);
    assertThat(e.metricsFailure().orElseThrow().reason()).isEqualTo(MetricsProblem.PARTIAL_WINDOW.reason());
    assertThat(e.metricsFailure().orElseThrow().message()).contains("data for 120 s of 300 s");
  }
}
