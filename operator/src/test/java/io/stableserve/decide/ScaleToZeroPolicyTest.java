package io.stableserve.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.testing.Behaviors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The idle rule, the wake from zero and what going to zero remembers ({@link ScaleToZero}, {@link ZeroState}). */
class ScaleToZeroPolicyTest {

  static final Instant T0 = ScalingPolicyTest.T0;
  /** Scale-down at once, replicas start in 2 minutes. */
  static final ScalingBehavior BEHAVIOR = Behaviors.immediate().withScaleDownWindow(Duration.ZERO);

  static ScalingPolicy zeroAfter(Duration idleAfter, ScalingBehavior behavior, int max) {
    return new ScalingPolicy(new ReplicaRange(0, max), ScalingPolicyTest.RHO, behavior, Optional.empty(),
        Optional.of(new ScaleToZero(idleAfter)));
  }

  static final ScalingPolicy ZERO_AFTER_MINUTE = zeroAfter(Duration.ofMinutes(1), BEHAVIOR, 100);

  static LoadReading idle() {
    return LoadReading.idle(Duration.ofSeconds(30), true);
  }

  /** The state after a decision on 1 req/s: μ̂ = 2 req/s remembered. */
  static StabilizationState measured(ScalingPolicy policy) {
    return policy.decide(T0.minusSeconds(600), ScalingPolicyTest.load(1.0), ReplicaCounts.allReady(1), StabilizationState.empty())
        .state();
  }

  @Test
  void anIdleServiceGoesToZeroOnlyAfterTheLongerOfIdleAfterAndTheStartUp() {
    // idleAfter 1 min is shorter than the 2 min start-up: a shorter idle spell cannot repay a start-up's GPU time.
    StabilizationState state = measured(ZERO_AFTER_MINUTE);
    Decision first = ZERO_AFTER_MINUTE.decide(T0, idle(), ReplicaCounts.allReady(1), state);
    assertThat(first.desiredReplicas()).isEqualTo(1);
    assertThat(first.message()).contains("idle for 30 s, to zero after 120 s");
    assertThat(first.state().zero().idleSince()).contains(T0.minusSeconds(30));

    Decision atMinute = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(60), idle(), ReplicaCounts.allReady(1), first.state());
    assertThat(atMinute.desiredReplicas()).as("idle 90 s, less than the start-up").isEqualTo(1);

    Decision zero = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(90), idle(), ReplicaCounts.allReady(1), atMinute.state());
    assertThat(zero.desiredReplicas()).isZero();
    assertThat(zero.reason()).isEqualTo(DecisionReason.SCALED_TO_ZERO);
    assertThat(zero.message()).startsWith("1 → 0: idle for 120 s, at least max(idleAfter 60 s, cold start 120 s)");

    ScalingPolicy tenMinutes = zeroAfter(Duration.ofMinutes(10), BEHAVIOR, 100);
    Decision notYet = tenMinutes.decide(T0.plusSeconds(500), idle(), ReplicaCounts.allReady(1), first.state());
    assertThat(notYet.desiredReplicas()).as("idle 530 s of 600").isEqualTo(1);
    assertThat(tenMinutes.decide(T0.plusSeconds(570), idle(), ReplicaCounts.allReady(1), notYet.state()).desiredReplicas()).isZero();
  }

  @Test
  void theIdleRuleIsTheWaitBeforeZeroNotTheScaleDownWindowOnTopOfIt() {
    ScalingPolicy windowed = zeroAfter(Duration.ofMinutes(3), Behaviors.immediate(), 100);
    StabilizationState busy = windowed.decide(T0.minusSeconds(200), ScalingPolicyTest.load(5.0), ReplicaCounts.allReady(4),
        StabilizationState.empty()).state();
    // Idle since T0 − 200 s (the window's 200 s were quiet), a recommendation of 4 within the 5-minute window.
    Decision d = windowed.decide(T0, LoadReading.idle(Duration.ofSeconds(200), true), ReplicaCounts.allReady(4), busy);
    assertThat(d.desiredReplicas()).isZero();
    assertThat(d.reason()).isEqualTo(DecisionReason.SCALED_TO_ZERO);
    Decision notIdleEnough = windowed.decide(T0, LoadReading.idle(Duration.ofSeconds(100), true), ReplicaCounts.allReady(4), busy);
    assertThat(notIdleEnough.desiredReplicas()).as("idle 100 s: the window holds the count as ever").isEqualTo(4);
  }

  @Test
  void withoutTheGatewaysHeldRequestsAnIdleServiceNeverGoesToZero() {
    LoadReading blind = LoadReading.idle(Duration.ofSeconds(30), false);
    Decision d = ZERO_AFTER_MINUTE.decide(T0, blind, ReplicaCounts.allReady(1), StabilizationState.empty());
    Decision hourLater = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(3600), blind, ReplicaCounts.allReady(1), d.state());
    assertThat(hourLater.desiredReplicas()).isEqualTo(1);
    assertThat(hourLater.message()).contains("not going to zero: the gateway's held requests were not read");
  }

  @Test
  void loadOrMissingMetricsRestartTheIdleClockAndNeverGoToZero() {
    Decision idle = ZERO_AFTER_MINUTE.decide(T0, idle(), ReplicaCounts.allReady(1), StabilizationState.empty());
    Decision busy = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(60), ScalingPolicyTest.load(1.0), ReplicaCounts.allReady(1), idle.state());
    assertThat(busy.state().zero().idleSince()).isEmpty();
    Decision idleAgain = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(200), idle(), ReplicaCounts.allReady(1), busy.state());
    assertThat(idleAgain.desiredReplicas()).as("idle 30 s since the load, not 230 s").isEqualTo(1);

    Decision blind = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(3600), LoadReading.unavailable("PrometheusUnreachable", "refused"),
        ReplicaCounts.allReady(1), idleAgain.state());
    assertThat(blind.desiredReplicas()).isEqualTo(1);
    assertThat(blind.reason()).isEqualTo(DecisionReason.METRICS_UNAVAILABLE);
    assertThat(blind.state().zero().idleSince()).isEmpty();
  }

  @Test
  void atZeroWithNothingHeldTheServiceStaysAtZero() {
    Decision d = ZERO_AFTER_MINUTE.decide(T0, LoadReading.held(0, OptionalDouble.of(0)), ReplicaCounts.allReady(0),
        measured(ZERO_AFTER_MINUTE));
    assertThat(d.desiredReplicas()).isZero();
    assertThat(d.reason()).isEqualTo(DecisionReason.IDLE_AT_ZERO);
    assertThat(d.state().zero().wokeAt()).isEmpty();
  }

  @Test
  void theFirstHeldRequestWakesReplicasToDrainTheHeldQueueAndServeTheArrivals() {
    // μ̂ 2, ρ 0.8: 2 req/s needs 2; 10 held plus 2 req/s over the 120 s start-up = 250 to drain in 30 s at 2 req/s each: 5.
    Decision d = ZERO_AFTER_MINUTE.decide(T0, LoadReading.held(10, OptionalDouble.of(2)), ReplicaCounts.allReady(0),
        measured(ZERO_AFTER_MINUTE));
    assertThat(d.desiredReplicas()).isEqualTo(7);
    assertThat(d.reason()).isEqualTo(DecisionReason.WOKE_ON_HELD_REQUESTS);
    assertThat(d.message()).startsWith("0 → 7: no replica; the gateway holds 10 requests, 2.00 req/s arriving: 2 for the arrivals");
    assertThat(d.state().zero().wokeAt()).contains(T0);
    assertThat(d.state().lastScaleUp()).contains(T0);

    Decision one = ZERO_AFTER_MINUTE.decide(T0, LoadReading.held(1, OptionalDouble.empty()), ReplicaCounts.allReady(0),
        measured(ZERO_AFTER_MINUTE));
    assertThat(one.desiredReplicas()).as("one held request, no arrival rate: 1 drains it").isEqualTo(1);

    Decision unknown = ZERO_AFTER_MINUTE.decide(T0, LoadReading.held(10, OptionalDouble.of(2)), ReplicaCounts.allReady(0),
        StabilizationState.empty());
    assertThat(unknown.desiredReplicas()).isEqualTo(1);
    assertThat(unknown.message()).contains("one replica's stable rate is not known yet");
  }

  @Test
  void aWakeSkipsTheStabilisationWindowsButNotTheStepLimitsOrTheMaximum() {
    ScalingBehavior slowUp = BEHAVIOR.withScaleUpWindow(Duration.ofMinutes(5)).withScaleUpLimit(new StepLimit(4, 0));
    ScalingPolicy policy = zeroAfter(Duration.ofMinutes(1), slowUp, 100);
    StabilizationState zeros = measured(policy).record(new RecommendedCount(T0.minusSeconds(10), 0), Duration.ofHours(1));
    Decision d = policy.decide(T0, LoadReading.held(10, OptionalDouble.of(2)), ReplicaCounts.allReady(0), zeros);
    assertThat(d.desiredReplicas()).as("7 wanted, 4 a step").isEqualTo(4);
    assertThat(d.limit()).isEqualTo(ScalingLimit.SCALE_UP_STEP);

    ScalingPolicy small = zeroAfter(Duration.ofMinutes(1), BEHAVIOR, 3);
    Decision capped = small.decide(T0, LoadReading.held(10, OptionalDouble.of(2)), ReplicaCounts.allReady(0), measured(small));
    assertThat(capped.desiredReplicas()).isEqualTo(3);
    assertThat(capped.limit()).isEqualTo(ScalingLimit.MAX);
  }

  @Test
  void whileTheWokenReplicasStartTheCountOnlyGrowsAndCountsTheStartUpLeft() {
    Decision wake = ZERO_AFTER_MINUTE.decide(T0, LoadReading.held(10, OptionalDouble.of(2)), ReplicaCounts.allReady(0),
        measured(ZERO_AFTER_MINUTE));
    ReplicaCounts starting = new ReplicaCounts(7, 0);
    Decision calm = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(60), LoadReading.held(0, OptionalDouble.of(0)), starting, wake.state());
    assertThat(calm.desiredReplicas()).as("nothing serves to measure a fall").isEqualTo(7);
    // 60 s of the 120 s start-up left: 2 + ⌈(400 + 2·60)/60⌉ = 2 + 9.
    Decision more = ZERO_AFTER_MINUTE.decide(T0.plusSeconds(60), LoadReading.held(400, OptionalDouble.of(2)), starting, wake.state());
    assertThat(more.desiredReplicas()).isEqualTo(11);
    assertThat(more.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    assertThat(more.state().zero().wokeAt()).as("still the first wake").contains(T0);
  }

  @Test
  void theStartUpMeasuredRulesTheIdleWaitAndTheWakeEndsWhenAReplicaServes() {
    ScalingPolicy shortIdle = zeroAfter(Duration.ofSeconds(10), BEHAVIOR, 100);
    Decision wake = shortIdle.decide(T0, LoadReading.held(3, OptionalDouble.empty()), ReplicaCounts.allReady(0), measured(shortIdle));
    Decision served = shortIdle.decide(T0.plusSeconds(100), ScalingPolicyTest.load(1.0), new ReplicaCounts(1, 1), wake.state());
    assertThat(served.state().zero().wokeAt()).isEmpty();

    // The pipeline sets the start-up to the one measured from the target: 100 s here, against idleAfter 10 s.
    ScalingPolicy measuredStartup = shortIdle.withStartupTime(Duration.ofSeconds(100));
    assertThat(measuredStartup.coldStart()).isEqualTo(Duration.ofSeconds(100));
    assertThat(measuredStartup.scaleToZero()).as("the rule survives the start-up's update").isPresent();
    Decision early = measuredStartup.decide(T0.plusSeconds(200), LoadReading.idle(Duration.ofSeconds(70), true),
        ReplicaCounts.allReady(1), served.state());
    assertThat(early.desiredReplicas()).isEqualTo(1);
    assertThat(measuredStartup.decide(T0.plusSeconds(230), idle(), ReplicaCounts.allReady(1), early.state()).desiredReplicas())
        .isZero();
  }

  @Test
  void blindAtZeroOneReplicaWakesSoThatNoRequestWaitsUnseen() {
    Decision d = ZERO_AFTER_MINUTE.decide(T0, LoadReading.unavailable("PrometheusTimeout", "no answer within 10 s"),
        ReplicaCounts.allReady(0), StabilizationState.empty());
    assertThat(d.desiredReplicas()).isEqualTo(1);
    assertThat(d.reason()).isEqualTo(DecisionReason.METRICS_UNAVAILABLE);
    assertThat(d.message()).contains("at zero replicas").contains("1 replica wakes");
    assertThat(d.state().zero().wokeAt()).contains(T0);
  }

  @Test
  void aPolicyWithoutTheRuleNeverGoesToZero() {
    ScalingPolicy plain = new ScalingPolicy(new ReplicaRange(1, 100), ScalingPolicyTest.RHO, BEHAVIOR);
    Decision d = plain.decide(T0.plusSeconds(3600), idle(), ReplicaCounts.allReady(1), StabilizationState.empty());
    assertThat(d.desiredReplicas()).isEqualTo(1);
    assertThat(d.reason()).isEqualTo(DecisionReason.AT_TARGET);
  }

  @Test
  void refusesARuleWithoutMinimumZeroAndMinimumZeroWithoutARule() {
    assertThatThrownBy(() -> new ScalingPolicy(new ReplicaRange(0, 3), 0.8, BEHAVIOR))
        .hasMessageContaining("minimum replicas 0 needs an idle rule (scaleToZero.idleAfter)");
    assertThatThrownBy(() -> new ScalingPolicy(new ReplicaRange(1, 3), 0.8, BEHAVIOR, Optional.empty(),
        Optional.of(new ScaleToZero(Duration.ofMinutes(1))))).hasMessageContaining("an idle rule (scaleToZero) needs minimum replicas 0");
    assertThatThrownBy(() -> new ScaleToZero(Duration.ZERO)).hasMessageContaining("must be > 0");
    assertThatThrownBy(() -> LoadReading.held(-1, OptionalDouble.empty())).hasMessageContaining("held requests");
    assertThatThrownBy(() -> LoadReading.held(1, OptionalDouble.of(Double.NaN))).hasMessageContaining("arrival rate");
    assertThat(new ScalingPolicy(new ReplicaRange(1, 3), 0.8, BEHAVIOR).withScaleToZero(new ScaleToZero(Duration.ofMinutes(1)))
        .bounds()).isEqualTo(new ReplicaRange(0, 3));
    assertThat(List.of(DecisionReason.SCALED_TO_ZERO, DecisionReason.IDLE_AT_ZERO, DecisionReason.WOKE_ON_HELD_REQUESTS))
        .extracting(DecisionReason::machineName).containsExactly("ScaledToZero", "IdleAtZero", "WokeOnHeldRequests");
  }
}
