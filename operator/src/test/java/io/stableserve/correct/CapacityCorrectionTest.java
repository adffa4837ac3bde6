package io.stableserve.correct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import io.stableserve.workload.TokenMoments;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityCorrectionTest {

  static final Capacity MODEL = new Capacity(ModelKind.ITERATIVE, 3.0, 3.0, 3.3, 0.05, 5e5, 0.04,
      List.of(new ConstraintRate(Constraint.MEMORY, 3.0), new ConstraintRate(Constraint.COMPUTE, 4.0)));
  /** E[s] = 1000, E[o] = 200: a preemption discards (1000 + 100) / 1200 of a request's work. */
  static final TokenMoments MOMENTS = new TokenMoments(1000, 1.2e6, 200, 5e4, 2e5, 3000);

  @Test
  void noPreemptionLeavesTheModel() {
    CorrectedCapacity c = CapacityCorrection.apply(MODEL, new ThroughputSignals(5, 0, 0, 0, 2, true, true, 0, 60), MOMENTS);
    assertThat(c.source()).isEqualTo(CapacitySource.MODEL);
    assertThat(c.factor()).isEqualTo(1.0);
    assertThat(c.capacity()).isSameAs(MODEL);
  }

  @Test
  void preemptionsWithoutAQueueScaleByTheWorkNotSpentAgain() {
    // 0.5 preemptions/s over 5 completions/s = 0.1 per request; w = 1100/1200; f = 1 / (1 + 0.0916…)
    CorrectedCapacity c = CapacityCorrection.apply(MODEL, new ThroughputSignals(5, 0.5, 0, 0, 2, true, true, 0, 60), MOMENTS);
    double expected = 1 / (1 + 0.1 * 1100.0 / 1200);
    assertThat(c.source()).isEqualTo(CapacitySource.PREEMPTION_CORRECTED);
    assertThat(c.factor()).isCloseTo(expected, within(1e-12));
    assertThat(c.capacity().stableRate()).isCloseTo(3.0 * expected, within(1e-12));
    assertThat(c.capacity().instabilityBound()).isCloseTo(3.3 * expected, within(1e-12));
    assertThat(c.capacity().rate(Constraint.COMPUTE).orElseThrow().ratePerSecond()).isCloseTo(4.0 * expected, within(1e-12));
    assertThat(c.capacity().bottleneck()).isEqualTo(MODEL.bottleneck());
    assertThat(c.model()).isSameAs(MODEL);
    assertThat(c.explanation()).contains("0.500 preemptions/s, 0.100 per completed request, each discarding 92% of a request's work");
  }

  @Test
  void aGrowingQueueWithPreemptionsMeasuresTheCapacity() {
    // two ready replicas complete 4.4 req/s together while the queue grows: 2.2 per replica
    CorrectedCapacity c = CapacityCorrection.apply(MODEL, new ThroughputSignals(4.4, 1.0, 30, 0.4, 2, true, true, 0, 60), MOMENTS);
    assertThat(c.source()).isEqualTo(CapacitySource.MEASURED_THROUGHPUT);
    assertThat(c.capacity().stableRate()).isCloseTo(2.2, within(1e-12));
    assertThat(c.factor()).isCloseTo(2.2 / 3.0, within(1e-12));
    assertThat(c.explanation()).contains("measured 2.20 completions/s per ready replica against the model's 3.00");
  }

  static final Capacity SCHEDULER = new Capacity(ModelKind.SCHEDULER, 3.0, 3.0, 3.0, 0.05, 5e5, 0.04,
      List.of(new ConstraintRate(Constraint.MEMORY, 3.4), new ConstraintRate(Constraint.COMPUTE, 4.0),
          new ConstraintRate(Constraint.PREEMPTION, 3.0)));

  @Test
  void theSchedulerModelIsCorrectedOnlyForPreemptionsBeyondThoseItPrices() {
    // 0.5 preemptions/s over 5 completions/s = 0.1 per request; its saturated run has 0.1: no more
    CorrectedCapacity c = CapacityCorrection.apply(SCHEDULER, new ThroughputSignals(5, 0.5, 0, 0, 2, true, true, 0, 60),
        MOMENTS, 0.1);
    assertThat(c.source()).isEqualTo(CapacitySource.MODEL);
    assertThat(c.capacity()).isSameAs(SCHEDULER);
    assertThat(c.explanation()).contains("no more than the 0.100 the scheduler model's saturated run has");
    // 0.3 per request where it prices 0.1: corrected for the 0.2 beyond
    CorrectedCapacity heavier = CapacityCorrection.apply(SCHEDULER, new ThroughputSignals(5, 1.5, 0, 0, 2, true, true, 0, 60),
        MOMENTS, 0.1);
    double expected = 1 / (1 + 0.2 * 1100.0 / 1200);
    assertThat(heavier.source()).isEqualTo(CapacitySource.PREEMPTION_CORRECTED);
    assertThat(heavier.factor()).isCloseTo(expected, within(1e-12));
    assertThat(heavier.explanation()).contains("(0.200 beyond the 0.100 the model's saturated run has)");
  }

  @Test
  void aMeasuredThroughputBelowTheSchedulerModelStillCorrectsIt() {
    CorrectedCapacity c = CapacityCorrection.apply(SCHEDULER, new ThroughputSignals(4.4, 1.0, 30, 0.4, 2, true, true, 0, 60), MOMENTS);
    assertThat(c.source()).isEqualTo(CapacitySource.MEASURED_THROUGHPUT);
    assertThat(c.capacity().stableRate()).isCloseTo(2.2, within(1e-12));
    // above the model's: the next rule, with the preemptions (1.0/6.4 per request) the model prices (0.2)
    CorrectedCapacity above = CapacityCorrection.apply(SCHEDULER, new ThroughputSignals(6.4, 1.0, 30, 0.4, 2, true, true, 0, 60),
        MOMENTS, 0.2);
    assertThat(above.source()).isEqualTo(CapacitySource.MODEL);
  }

  @Test
  void aBacklogOnSomeReplicasOnlyDoesNotMeasureTheirCapacity() {
    // the queue grows, but not every replica has one: completions per replica are not a capacity
    CorrectedCapacity c = CapacityCorrection.apply(MODEL, new ThroughputSignals(4.4, 1.0, 30, 0.4, 2, true, false, 0, 60), MOMENTS);
    assertThat(c.source()).isEqualTo(CapacitySource.PREEMPTION_CORRECTED);
    CorrectedCapacity scheduler = CapacityCorrection.apply(SCHEDULER, new ThroughputSignals(4.4, 1.0, 30, 0.4, 2, true, false, 0, 60),
        MOMENTS, 0.25);
    assertThat(scheduler.source()).isEqualTo(CapacitySource.MODEL);
    // one replica: its queue is the sum
    assertThat(CapacityCorrection.apply(MODEL, new ThroughputSignals(2.2, 1.0, 30, 0.4, 1, true, false, 0, 60), MOMENTS).source())
        .isEqualTo(CapacitySource.MEASURED_THROUGHPUT);
  }

  @Test
  void aWindowShorterThanTwoServiceTimesDoesNotMeasureTheCapacity() {
    // 40 running at 0.4 completions/s: 100 s in service, and the window is 60 s
    ThroughputSignals lull = new ThroughputSignals(0.4, 0.1, 5, 0.5, 1, true, true, 40, 60);
    assertThat(lull.windowTurnsOver()).isFalse();
    CorrectedCapacity c = CapacityCorrection.apply(SCHEDULER, lull, MOMENTS, 0.25);
    assertThat(c.source()).isEqualTo(CapacitySource.MODEL);
    // the same counts over a 200 s window are a measurement
    assertThat(CapacityCorrection.apply(SCHEDULER, new ThroughputSignals(0.4, 0.1, 5, 0.5, 1, true, true, 40, 200), MOMENTS)
        .source()).isEqualTo(CapacitySource.MEASURED_THROUGHPUT);
  }

  @Test
  void aWindowThatSawScalingDoesNotMeasureThroughputPerReplica() {
    CorrectedCapacity c = CapacityCorrection.apply(MODEL, new ThroughputSignals(4.4, 1.0, 30, 0.4, 6, false, true, 0, 60), MOMENTS);
    assertThat(c.source()).isEqualTo(CapacitySource.PREEMPTION_CORRECTED);
  }

  @Test
  void aMeasuredThroughputAboveTheModelIsNotTakenAsMoreCapacity() {
    CorrectedCapacity c = CapacityCorrection.apply(MODEL, new ThroughputSignals(8, 0.1, 30, 0.4, 2, true, true, 0, 60), MOMENTS);
    assertThat(c.source()).isEqualTo(CapacitySource.PREEMPTION_CORRECTED);
    assertThat(c.factor()).isLessThan(1);
  }

  @Test
  void thrashingWithoutCompletionsIsFlooredNotZero() {
    CorrectedCapacity c = CapacityCorrection.apply(MODEL, new ThroughputSignals(0, 3, 0, 0, 2, true, true, 0, 60), MOMENTS);
    assertThat(c.factor()).isEqualTo(CapacityCorrection.MIN_FACTOR);
    assertThat(c.explanation()).contains("no completed request");
    CorrectedCapacity saturated = CapacityCorrection.apply(MODEL, new ThroughputSignals(0.1, 3, 50, 1, 2, true, true, 0, 60), MOMENTS);
    assertThat(saturated.source()).isEqualTo(CapacitySource.MEASURED_THROUGHPUT);
    assertThat(saturated.factor()).isEqualTo(CapacityCorrection.MIN_FACTOR);
    assertThat(saturated.explanation()).contains("floored at 0.25");
  }

  static final java.time.Instant T0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
  static final java.time.Duration HOLD = java.time.Duration.ofMinutes(5);

  @Test
  void aMeasuredCorrectionIsRememberedForTheHoldTimeAfterTheThrashingStops() {
    CorrectedCapacity thrashing = CapacityCorrection.apply(MODEL, new ThroughputSignals(4.4, 1.0, 30, 0.4, 2, true, true, 0, 60), MOMENTS);
    CapacityCorrection.Remembered first = CapacityCorrection.withMemory(thrashing, java.util.Optional.empty(), T0, HOLD);
    assertThat(first.capacity()).isSameAs(thrashing);
    assertThat(first.measurement()).contains(new CapacityCorrection.Measured(2.2 / 3.0, T0, 3.0));

    // after a scale-up: no preemptions any more
    CorrectedCapacity calm = CapacityCorrection.apply(MODEL, new ThroughputSignals(6, 0, 0, 0, 4, true, true, 0, 60), MOMENTS);
    CapacityCorrection.Remembered kept = CapacityCorrection.withMemory(calm, first.measurement(), T0.plus(HOLD), HOLD);
    assertThat(kept.capacity().source()).isEqualTo(CapacitySource.REMEMBERED);
    assertThat(kept.capacity().capacity().stableRate()).isCloseTo(2.2, within(1e-12));
    assertThat(kept.capacity().explanation()).contains("is kept until 2026-01-01T00:05:00Z");
    assertThat(kept.measurement()).isEqualTo(first.measurement());

    CapacityCorrection.Remembered expired = CapacityCorrection.withMemory(calm, first.measurement(),
        T0.plus(HOLD).plusSeconds(1), HOLD);
    assertThat(expired.capacity().source()).isEqualTo(CapacitySource.MODEL);
    assertThat(expired.measurement()).isEmpty();
  }

  @Test
  void aCorrectionMeasuredOnAnotherWorkloadIsNotRemembered() {
    CapacityCorrection.Measured onShortPrompts = new CapacityCorrection.Measured(0.5, T0, 3.0);
    CorrectedCapacity calm = CapacityCorrection.apply(MODEL, new ThroughputSignals(6, 0, 0, 0, 4, true, true, 0, 60), MOMENTS);
    // the model says 3.0 as when it was measured: the same workload, the correction holds
    assertThat(CapacityCorrection.withMemory(calm, java.util.Optional.of(onShortPrompts), T0.plusSeconds(10), HOLD)
        .capacity().source()).isEqualTo(CapacitySource.REMEMBERED);
    // the workload moved: the model now says 2.4 (−20%), so the old measurement says nothing of it
    Capacity longPrompts = CapacityCorrection.scale(MODEL, 0.8);
    CorrectedCapacity now = CapacityCorrection.apply(longPrompts, new ThroughputSignals(6, 0, 0, 0, 4, true, true, 0, 60), MOMENTS);
    CapacityCorrection.Remembered r = CapacityCorrection.withMemory(now, java.util.Optional.of(onShortPrompts),
        T0.plusSeconds(10), HOLD);
    assertThat(r.capacity().source()).isEqualTo(CapacitySource.MODEL);
    assertThat(r.capacity().capacity().stableRate()).isCloseTo(2.4, within(1e-12));
    assertThat(r.measurement()).isEmpty();
    assertThat(onShortPrompts.sameWorkload(3.0 * 1.15)).isTrue();
    assertThat(onShortPrompts.sameWorkload(3.0 * 1.16)).isFalse();
  }

  @Test
  void theSmallerOfRememberedAndPresentCorrectionApplies() {
    CapacityCorrection.Measured mild = new CapacityCorrection.Measured(0.9, T0, 3.0);
    CorrectedCapacity severe = CapacityCorrection.apply(MODEL, new ThroughputSignals(4.4, 1.0, 30, 0.4, 2, true, true, 0, 60), MOMENTS);
    CapacityCorrection.Remembered r = CapacityCorrection.withMemory(severe, java.util.Optional.of(mild), T0.plusSeconds(60), HOLD);
    assertThat(r.capacity()).isSameAs(severe);
    assertThat(r.measurement()).contains(new CapacityCorrection.Measured(severe.factor(), T0.plusSeconds(60), 3.0));
    assertThatThrownBy(() -> new CapacityCorrection.Measured(1.0, T0, 3.0)).hasMessageContaining("[0.25, 1)");
    assertThatThrownBy(() -> new CapacityCorrection.Measured(0.5, T0, 0)).hasMessageContaining("must be > 0");
  }

  @Test
  void refusesBadSignals() {
    assertThatThrownBy(() -> new ThroughputSignals(-1, 0, 0, 0, 1, true, true, 0, 60)).hasMessageContaining("completion rate");
    assertThatThrownBy(() -> new ThroughputSignals(1, Double.NaN, 0, 0, 1, true, true, 0, 60)).hasMessageContaining("preemption rate");
    assertThatThrownBy(() -> new ThroughputSignals(1, 0, 0, Double.POSITIVE_INFINITY, 1, true, true, 0, 60)).hasMessageContaining("growth rate");
  }
}
