package io.stableserve.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.TtftApproximation;
import io.stableserve.testing.Behaviors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decide step's pieces for moving load: the forecast over a start-up, the SLO count and the drain term. */
class SloLoopTest {

  /** μ̂ = 2 req/s per replica. */
  static final Capacity CAPACITY = new Capacity(ModelKind.PAPER, 2.0, 1.8, 2.0, 0.1, 1000, 0.03,
      List.of(new ConstraintRate(Constraint.MEMORY, 2.0)));
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final ReplicaRange WIDE = new ReplicaRange(1, 100);
  /** Replicas start in 2 minutes; settling 30 s. */
  static final ScalingBehavior BEHAVIOR = Behaviors.immediate().withScaleUpSettleTime(Duration.ofSeconds(30));
  static final TtftSlo SLO = new TtftSlo(2, 0.99);

  static Decision decide(ScalingPolicy policy, LoadReading load, int replicas) {
    return policy.decide(T0, load, ReplicaCounts.allReady(replicas), StabilizationState.empty());
  }

  @Test
  void aRampIsSizedForTheRateAStartUpAhead() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR);
    // 8 req/s now on the line, rising 0.05 req/s per second: 14 req/s in 120 s.
    ArrivalRate ramp = new ArrivalRate(6.5, 0.01, Optional.empty(), Optional.of(new ArrivalRate.Trend(0.05, 8, 300)));
    Decision d = decide(policy, LoadReading.measured(ramp, CAPACITY), 4);
    assertThat(d.desiredReplicas()).as("⌈14 / (0.8·2)⌉").isEqualTo(9);
    assertThat(d.reason()).as("a ramp does not settle").isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    assertThat(d.message()).contains("trend up");

    Decision flat = decide(policy, LoadReading.measured(new ArrivalRate(6.5, 0.01), CAPACITY), 4);
    assertThat(flat.desiredReplicas()).as("without the trend, the window's mean").isEqualTo(5);
  }

  @Test
  void theForecastIsNotExtrapolatedBeyondTheSpanItWasFittedOn() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR);
    ArrivalRate shortLine = new ArrivalRate(6.5, 0.01, Optional.empty(), Optional.of(new ArrivalRate.Trend(0.05, 8, 60)));
    assertThat(decide(policy, LoadReading.measured(shortLine, CAPACITY), 4).desiredReplicas()).as("⌈11 / 1.6⌉").isEqualTo(7);
  }

  @Test
  void aFallingTrendDoesNotScaleUp() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR);
    ArrivalRate falling = new ArrivalRate(6.5, 0.1, Optional.empty(), Optional.of(new ArrivalRate.Trend(-0.05, 5, 300)));
    assertThat(decide(policy, LoadReading.measured(falling, CAPACITY), 5).desiredReplicas()).isEqualTo(5);
  }

  @Test
  void withAnSloTheCountIsTheFewestWhosePredictedTtftMeetsIt() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR, Optional.of(SLO));
    Queueing bursty = new Queueing(0, 20, 1, 0.5, 1);
    Decision d = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, bursty), 5);
    int expected = TtftApproximation.replicasFor(2, 10, 2, 0.99, 20, 1, 1, 0.5, 6, 100);
    assertThat(d.desiredReplicas()).isEqualTo(expected);
    assertThat(expected).as("bursts need more than ρ gives").isGreaterThan(7);
    assertThat(d.predictedTtftSeconds().getAsDouble()).isLessThanOrEqualTo(2);
    assertThat(d.slo()).contains(SLO);
    assertThat(d.message()).contains("TTFT p99 ≤ 2.00 s");

    Decision calm = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(0, 1, 1, 0.5, 1)), 5);
    assertThat(calm.desiredReplicas()).as("Poisson arrivals need fewer").isLessThan(expected);
    Decision calibrated = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(0, 1, 1, 0.5, 8)), 5);
    assertThat(calibrated.desiredReplicas()).as("a calibration factor above 1 asks for more").isGreaterThan(calm.desiredReplicas());
  }

  @Test
  void withAnSloABacklogAtAGatewayDrainsWithinTheDrainTime() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR, Optional.of(SLO));
    int without = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(0, 1, 1, 0.2, 1)), 6)
        .desiredReplicas();
    Queueing held = new Queueing(1220, 1, 1, 0.2, 1, true, false);
    Decision d = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, held), 6);
    // 6 ready replicas serve 12 req/s > 10: the queue does not grow. 10·2 s of it is served within the
    // target; the other 1200 drain in 30 s at 2 req/s per replica: 20 more.
    assertThat(d.desiredReplicas()).isEqualTo(without + 20);
    assertThat(d.message()).contains("1220 requests queued, 1220 when the replicas asked for now serve, drain within 30 s");

    ScalingPolicy noSlo = new ScalingPolicy(WIDE, 0.8, BEHAVIOR);
    assertThat(decide(noSlo, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, held), 7).desiredReplicas())
        .as("without an SLO, ρ as before").isEqualTo(7);
  }

  @Test
  void whileAYoungEstimateSettlesTheQueueThatIsThereDrainsAtTheBandsLowerEnd() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR, Optional.of(SLO));
    double z = BEHAVIOR.confidence();
    ArrivalRate young = new ArrivalRate(10, 4 / z);
    Queueing calm = new Queueing(0, 1, 1, 0.2, 1);
    int fewestForArrivals = decide(policy, LoadReading.measured(new ArrivalRate(6, 0.001), CAPACITY, calm), 1).desiredReplicas();
    Decision unsure = decide(policy, LoadReading.measured(young, CAPACITY, calm), 6);
    assertThat(unsure.reason()).as("10 ± 4 req/s, no queue: settling on the 6 there are").isEqualTo(DecisionReason.SCALE_UP_SETTLING);
    assertThat(unsure.desiredReplicas()).isEqualTo(6);

    Decision queued = decide(policy, LoadReading.measured(young, CAPACITY, new Queueing(1220, 1, 1, 0.2, 1, true, false)), 6);
    // At the band's lower end, 6 req/s: 6·2 s of the 1,220 queued are served within the target, the
    // other 1,208 drain in 30 s at 2 req/s per replica, ⌈20.1⌉ more; the rest of the band waits.
    assertThat(queued.desiredReplicas()).isEqualTo(fewestForArrivals + 21);
    assertThat(queued.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    assertThat(queued.message()).contains("now, settling");
  }

  @Test
  void theReplicasThatDrainedABacklogAreNotHeldByTheScaleDownWindow() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR, Optional.of(SLO));
    assertThat(BEHAVIOR.scaleDownWindow()).isEqualTo(Duration.ofMinutes(5));
    ArrivalRate arrivals = new ArrivalRate(10, 0.001);
    int forArrivals = decide(policy, LoadReading.measured(arrivals, CAPACITY, new Queueing(0, 1, 1, 0.2, 1)), 6).desiredReplicas();
    Decision drain = decide(policy, LoadReading.measured(arrivals, CAPACITY, new Queueing(1220, 1, 1, 0.2, 1, true, false)), 6);
    assertThat(drain.desiredReplicas()).as("1200 to drain in 30 s at 2 req/s each").isEqualTo(forArrivals + 20);

    // Half drained 15 s later: while a backlog waits the drain's replicas stay, also where the drain
    // term no longer counts it (a pinned stage with a replica that has no queue).
    Decision half = policy.decide(T0.plusSeconds(15), LoadReading.measured(arrivals, CAPACITY, new Queueing(620, 1, 1, 0.2, 1, true, false)),
        ReplicaCounts.allReady(drain.desiredReplicas()), drain.state());
    assertThat(half.desiredReplicas()).isEqualTo(forArrivals + 20);
    Decision pinned = policy.decide(T0.plusSeconds(15), LoadReading.measured(arrivals, CAPACITY, new Queueing(620, 1, 1, 0.2, 1, false, false)),
        ReplicaCounts.allReady(drain.desiredReplicas()), drain.state());
    assertThat(pinned.desiredReplicas()).isEqualTo(forArrivals + 20);

    // Drained while one of them still starts: it is not removed before it serves.
    Decision starting = policy.decide(T0.plusSeconds(30), LoadReading.measured(arrivals, CAPACITY, new Queueing(0, 1, 1, 0.2, 1, true, false)),
        new ReplicaCounts(half.desiredReplicas(), half.desiredReplicas() - 1), half.state());
    assertThat(starting.desiredReplicas()).isEqualTo(forArrivals + 20);

    // Drained: the arrivals' count at once, well inside the 5-minute scale-down window.
    Decision drained = policy.decide(T0.plusSeconds(30), LoadReading.measured(arrivals, CAPACITY, new Queueing(0, 1, 1, 0.2, 1, true, false)),
        ReplicaCounts.allReady(half.desiredReplicas()), half.state());
    assertThat(drained.desiredReplicas()).isEqualTo(forArrivals);

    // The window still holds what the arrivals asked for.
    Decision fewer = policy.decide(T0.plusSeconds(45), LoadReading.measured(new ArrivalRate(3, 0.001), CAPACITY,
        new Queueing(0, 1, 1, 0.2, 1, true, false)), ReplicaCounts.allReady(forArrivals), drained.state());
    assertThat(fewer.desiredReplicas()).isEqualTo(forArrivals);
    assertThat(fewer.reason()).isEqualTo(DecisionReason.SCALE_DOWN_STABILIZATION);
  }

  @Test
  void theBacklogGrowsUntilTheReplicasAskedForServe() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR, Optional.of(SLO));
    int forArrivals = decide(policy, LoadReading.measured(new ArrivalRate(20, 0.001), CAPACITY, new Queueing(0, 1, 1, 0.2, 1)), 6)
        .desiredReplicas();
    Decision d = decide(policy, LoadReading.measured(new ArrivalRate(20, 0.001), CAPACITY, new Queueing(100, 1, 1, 0.2, 1, true, false)), 6);
    // 6 ready serve 12 of 20 req/s: 8 req/s more queue for the 120 s start-up, 1060 in all; 20·2 s of it
    // is served within the target; 1020 drain in 30 s at 2 req/s per replica: 17 more.
    assertThat(d.desiredReplicas()).isEqualTo(forArrivals + 17);
  }

  @Test
  void aQueueServedWithinTheTargetIsNoBacklog() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR, Optional.of(SLO));
    int without = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(0, 1, 1, 0.2, 1)), 6)
        .desiredReplicas();
    Decision d = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(15, 1, 1, 0.2, 1, true, true)), 6);
    assertThat(d.desiredReplicas()).as("15 waiting at 10 req/s are within 2 s of arrivals").isEqualTo(without);
  }

  @Test
  void aQueueInsideTheReplicasDrainsOnlyByTakingEveryNewArrival() {
    ScalingPolicy policy = new ScalingPolicy(WIDE, 0.8, BEHAVIOR, Optional.of(SLO));
    int without = decide(policy, LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(0, 1, 1, 0.2, 1)), 6)
        .desiredReplicas();
    Decision everyQueued = decide(policy,
        LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(1220, 1, 1, 0.2, 1, false, true)), 6);
    assertThat(everyQueued.desiredReplicas()).as("the 6 queued replicas, and 5 new ones that take all 10 req/s")
        .isEqualTo(Math.max(without, 11));
    Decision someIdle = decide(policy,
        LoadReading.measured(new ArrivalRate(10, 0.001), CAPACITY, new Queueing(1220, 1, 1, 0.2, 1, false, false)), 6);
    assertThat(someIdle.desiredReplicas()).as("a replica without a queue already takes the arrivals").isEqualTo(without);
  }
}
