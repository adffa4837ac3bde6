package io.stableserve.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.observe.Observation;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Prompt lengths of the arriving mix: the counter at first token moves them before completions do. */
class ArrivingMixTest {

  static Observation withRecentPrompts(OptionalDouble recentMean) {
    Observation o = EstimatorTest.observation(300, 60, OptionalDouble.of(10), EstimatorTest.counts(30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
        true, Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    Observation.TokenLengths l = o.lengths();
    return new Observation(o.at(), o.window(), o.names(), o.flow(), o.occupancy(),
        new Observation.TokenLengths(l.prompt(), l.output(), l.meanPromptOverride(), l.meanOutputOverride(), recentMean), o.engine(),
        o.intervals(), o.newestSampleAge(), o.notes());
  }

  @Test
  void promptsThatStartLongerMoveThePromptLengthsAtOnce() {
    ServiceEstimate before = Estimator.estimate(withRecentPrompts(OptionalDouble.empty()));
    ServiceEstimate shifted = Estimator.estimate(withRecentPrompts(OptionalDouble.of(1500)));
    double completed = before.workload().orElseThrow().moments().meanPrompt();
    assertThat(completed).isCloseTo(500, within(1.0));
    assertThat(shifted.workload().orElseThrow().moments().meanPrompt()).isCloseTo(1500, within(15.0));
    // the shape is kept: E[s²] moves with the square of the factor
    assertThat(shifted.workload().orElseThrow().moments().meanPromptSquare())
        .isCloseTo(before.workload().orElseThrow().moments().meanPromptSquare() * 9, within(before.workload().orElseThrow()
            .moments().meanPromptSquare() * 0.2));
    assertThat(shifted.workload().orElseThrow().moments().meanOutput()).as("outputs are known only at completion")
        .isEqualTo(before.workload().orElseThrow().moments().meanOutput());
    assertThat(shifted.notes()).anyMatch(n -> n.contains("prompts starting now average 1500 tokens"));
  }

  @Test
  void aSmallDifferenceKeepsTheCompletedRequestsLengths() {
    ServiceEstimate same = Estimator.estimate(withRecentPrompts(OptionalDouble.of(530)));
    assertThat(same.workload().orElseThrow().moments().meanPrompt()).isCloseTo(500, within(1.0));
  }
}
