package io.stableserve.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.observe.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Prompt lengths of the arriving mix: the counter at first token moves them before completions do. */
class ArrivingMixTest {

  static Observation withRecentPrompts(OptionalDouble recentMean) {
    return withRecentPrompts(recentMean, OptionalDouble.empty());
  }

  static Observation withRecentPrompts(OptionalDouble recentMean, OptionalDouble latestMean) {
    Observation o = EstimatorTest.observation(300, 60, OptionalDouble.of(10), EstimatorTest.counts(30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
        true, Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    Observation.TokenLengths l = o.lengths();
    return new Observation(o.at(), o.window(), o.names(), o.flow(), o.occupancy(),
        new Observation.TokenLengths(l.prompt(), l.output(), l.meanPromptOverride(), l.meanOutputOverride(), recentMean, latestMean),
        o.engine(),
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

  @Test
  void aShiftInTheLastSubIntervalIsReadFromItAloneWhenTheRecentSpanMovesTheSameWay() {
    // Completed 500; the last 60 s average 1,000 (half before the shift), the last 30 s 1,600.
    ServiceEstimate shift = Estimator.estimate(withRecentPrompts(OptionalDouble.of(1000), OptionalDouble.of(1600)));
    assertThat(shift.workload().orElseThrow().moments().meanPrompt()).isCloseTo(1600, within(16.0));
    assertThat(shift.notes()).anyMatch(n -> n.contains("a shift of the mix"));

    ServiceEstimate shorter = Estimator.estimate(withRecentPrompts(OptionalDouble.of(300), OptionalDouble.of(150)));
    assertThat(shorter.workload().orElseThrow().moments().meanPrompt()).as("shorter by 3× or more too").isCloseTo(150, within(2.0));
  }

  @Test
  void aLastSubIntervalBelowTheShiftFactorOrAgainstTheRecentSpanKeepsTheRecentSpansMean() {
    ServiceEstimate moderate = Estimator.estimate(withRecentPrompts(OptionalDouble.of(800), OptionalDouble.of(1200)));
    assertThat(moderate.workload().orElseThrow().moments().meanPrompt()).as("2.4× is no shift").isCloseTo(800, within(8.0));

    ServiceEstimate burst = Estimator.estimate(withRecentPrompts(OptionalDouble.of(520), OptionalDouble.of(2000)));
    assertThat(burst.workload().orElseThrow().moments().meanPrompt()).as("the recent span within 10%: one burst")
        .isCloseTo(500, within(1.0));

    ServiceEstimate against = Estimator.estimate(withRecentPrompts(OptionalDouble.of(400), OptionalDouble.of(2000)));
    assertThat(against.workload().orElseThrow().moments().meanPrompt()).as("the recent span moved the other way")
        .isCloseTo(400, within(4.0));
  }

  @Test
  void aChangeWithinTheNoiseOfTheFewPromptsThatStartedMovesNothing() {
    BinnedLengths completed = Estimator.estimate(withRecentPrompts(OptionalDouble.empty())).workload().orElseThrow().prompt();
    double sd = Math.sqrt(completed.meanSquare() - completed.mean() * completed.mean());
    assertThat(sd / completed.mean()).as("the prompts' spread, relative").isGreaterThan(0.2);
    OptionalDouble longer = OptionalDouble.of(1.25 * completed.mean());
    List<String> notes = new ArrayList<>();

    // At 10 req/s over the 60 s recent span, 600 prompts: 25% is far outside their noise.
    assertThat(Estimator.arriving(completed, longer, OptionalDouble.empty(), 600, notes).mean())
        .isCloseTo(1.25 * completed.mean(), within(0.01 * completed.mean()));
    // Nine prompts (a request every 7 s): 25% is within three standard errors of their mean.
    assertThat(Estimator.arriving(completed, longer, OptionalDouble.empty(), 9, notes).mean()).isEqualTo(completed.mean());
    // Nor does their last sub-interval alone make a shift.
    assertThat(Estimator.arriving(completed, longer, OptionalDouble.of(3.5 * completed.mean()), 9, notes).mean())
        .isEqualTo(completed.mean());
  }
}
