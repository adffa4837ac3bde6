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
    assertThat(Estimator.arriving(completed, longer, OptionalDouble.empty(), 600, OptionalDouble.empty(), notes).mean())
        .isCloseTo(1.25 * completed.mean(), within(0.01 * completed.mean()));
    // Nine prompts (a request every 7 s): 25% is within three standard errors of their mean.
    assertThat(Estimator.arriving(completed, longer, OptionalDouble.empty(), 9, OptionalDouble.empty(), notes).mean()).isEqualTo(completed.mean());
    // Nor does their last sub-interval alone make a shift.
    assertThat(Estimator.arriving(completed, longer, OptionalDouble.of(3.5 * completed.mean()), 9, OptionalDouble.empty(), notes).mean())
        .isEqualTo(completed.mean());
  }

  /** The same window with each sub-interval's prompt mean, oldest first. */
  static Observation withPromptMeans(OptionalDouble recentMean, double... means) {
    Observation o = withRecentPrompts(recentMean);
    List<Observation.IntervalSample> intervals = new ArrayList<>();
    for (int i = 0; i < o.intervals().size(); i++) {
      intervals.add(o.intervals().get(i).withPromptMean(OptionalDouble.of(means[i])));
    }
    return new Observation(o.at(), o.window(), o.names(), o.flow(), o.occupancy(), o.lengths(), o.engine(), intervals,
        o.newestSampleAge(), o.notes());
  }

  @Test
  void aChangeWithinHowFarASpansMeanWandersInTheWindowMovesNothing() {
    // Completed 500; 300 prompts in the recent span would put 3 standard errors at about 10%. But the
    // window's 30 s means wander by ±30% (one conversation's long turns, then short ones), so a
    // recent span 30% longer is what the window has shown all along.
    double[] wandering = {350, 650, 400, 600, 380, 620, 450, 550, 640, 660};
    ServiceEstimate within = Estimator.estimate(withPromptMeans(OptionalDouble.of(650), wandering));
    assertThat(within.workload().orElseThrow().moments().meanPrompt()).isCloseTo(500, within(1.0));
    assertThat(within.notes()).anyMatch(n -> n.contains("within the ±") && n.contains("the completed requests' lengths stand"));

    ServiceEstimate unread = Estimator.estimate(withRecentPrompts(OptionalDouble.of(650)));
    assertThat(unread.workload().orElseThrow().moments().meanPrompt()).as("without the sub-intervals' means")
        .isCloseTo(650, within(7.0));
  }

  @Test
  void aShiftEarlierInTheWindowDoesNotWidenTheSpread() {
    // Three sub-intervals before the recent span the prompts became three times longer; the completed
    // requests still average about 500. A standard deviation over those means would read the shift
    // as ±50% of wandering and hold the lengths back; their median absolute deviation reads the
    // few tokens by which the means wander around either level.
    double[] shifted = {498, 502, 500, 499, 501, 1500, 1505, 1495, 1500, 1502};
    ServiceEstimate following = Estimator.estimate(withPromptMeans(OptionalDouble.of(1500), shifted));
    assertThat(following.workload().orElseThrow().moments().meanPrompt()).isCloseTo(1500, within(15.0));
    assertThat(Estimator.spanMeanSpread(withPromptMeans(OptionalDouble.of(1500), shifted)).orElseThrow())
        .as("tokens").isLessThan(10);
  }
}
