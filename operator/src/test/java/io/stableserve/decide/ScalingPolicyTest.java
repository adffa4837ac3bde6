package io.stableserve.decide;

import io.stableserve.testing.Behaviors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {

  /** μ̂ = 2 req/s per replica, stability bound 1.8, instability bound 2; at ρ = 0.8 a replica takes 1.6 req/s. */
  static final Capacity CAPACITY = new Capacity(ModelKind.PAPER, 2.0, 1.8, 2.0, 0.1, 1000, 0.03,
      List.of(new ConstraintRate(Constraint.MEMORY, 2.0)));
  static final double RHO = 0.8;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final ReplicaRange WIDE = new ReplicaRange(1, 100);
  static final ScalingBehavior NO_WINDOWS = Behaviors.immediate().withScaleDownWindow(Duration.ZERO);

  static LoadReading load(double lambda) {
    return LoadReading.measured(ArrivalRate.exact(lambda), CAPACITY);
  }

  static LoadReading load(double lambda, double sigma) {
    return LoadReading.measured(new ArrivalRate(lambda, sigma), CAPACITY);
  }

  static ScalingPolicy policy(ScalingBehavior behavior) {
    return new ScalingPolicy(WIDE, RHO, behavior);
  }

  static Decision decide(ScalingPolicy policy, Instant at, LoadReading obs, int replicas, StabilizationState state) {
    return policy.decide(at, obs, ReplicaCounts.allReady(replicas), state);
  }

  /** At ρ = 0.8 a replica takes 1.6 req/s: count 3 covers (3.2, 4.8], count 4 (4.8, 6.4]. */
  @Nested
  class ScaleUpSettling {

    final ScalingBehavior settle20 = NO_WINDOWS.withScaleUpSettleTime(Duration.ofSeconds(20));

    LoadReading rose(double window, double sigma, double since, double sinceSigma) {
      return LoadReading.measured(new ArrivalRate(window, sigma, Optional.of(new ArrivalRate.Rise(since, sinceSigma, 6))),
          CAPACITY);
    }

    @Test
    void aRiseSizesTheScaleUpForTheRateSinceNotTheWindowsMean() {
      // The window's mean 2.0 needs 2; the rate since the rise, 4.0 ± 0.2, needs 3 at both ends of its band.
      Decision d = decide(policy(settle20), T0, rose(2.0, 0.1, 4.0, 0.2), 1, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(3);
      assertThat(d.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
      assertThat(d.modelReplicas()).hasValue(3);
      assertThat(d.message()).contains("needs 2; arrivals rose to 4.00 req/s 6 s ago, which needs 3");
    }

    @Test
    void whileTheBandSpansTwoCountsItHoldsAndRemembersSinceWhen() {
      // 4.0 ± 2·0.5 = [3.0, 5.0] needs 2 to 4.
      Decision d = decide(policy(settle20), T0, rose(2.0, 0.1, 4.0, 0.5), 1, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(1);
      assertThat(d.scales()).isFalse();
      assertThat(d.reason()).isEqualTo(DecisionReason.SCALE_UP_SETTLING);
      assertThat(d.message()).startsWith("hold 1: ").contains("needs 2 to 4: settling, up to 20 s more, for one count");
      assertThat(d.state().scaleUpPendingSince()).contains(T0);

      // Ten seconds on the band is narrower and needs 3 only: one step to 3, and the wait is over.
      Decision next = decide(policy(settle20), T0.plusSeconds(10), rose(2.5, 0.1, 4.0, 0.3), 1, d.state());
      assertThat(next.desiredReplicas()).isEqualTo(3);
      assertThat(next.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
      assertThat(next.state().lastScaleUp()).contains(T0.plusSeconds(10));
      // At 3 replicas the load asks for no more: the wait is over.
      Decision at = decide(policy(settle20), T0.plusSeconds(11), rose(4.0, 0.1, 4.2, 0.3), 3, next.state());
      assertThat(at.reason()).isEqualTo(DecisionReason.AT_TARGET);
      assertThat(at.state().scaleUpPendingSince()).isEmpty();
    }

    @Test
    void aScaleUpThatWasNotAppliedDoesNotSettleAgain() {
      // Recommend mode: the decision to go to 3 is reported, the Deployment stays at 1.
      Decision first = decide(policy(settle20), T0, rose(2.0, 0.1, 4.0, 0.5), 1, StabilizationState.empty());
      Decision done = decide(policy(settle20), T0.plusSeconds(20), rose(2.0, 0.1, 4.0, 0.5), 1, first.state());
      assertThat(done.desiredReplicas()).isEqualTo(3);
      Decision again = decide(policy(settle20), T0.plusSeconds(21), rose(2.0, 0.1, 4.0, 0.5), 1, done.state());
      assertThat(again.desiredReplicas()).isEqualTo(3);
      assertThat(again.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    }

    @Test
    void afterTheSettleTimeItTakesTheCountOfTheEstimate() {
      Decision first = decide(policy(settle20), T0, rose(2.0, 0.1, 4.0, 0.5), 1, StabilizationState.empty());
      Decision stillWaiting = decide(policy(settle20), T0.plusSeconds(19), rose(2.0, 0.1, 4.0, 0.5), 1, first.state());
      assertThat(stillWaiting.reason()).isEqualTo(DecisionReason.SCALE_UP_SETTLING);
      assertThat(stillWaiting.state().scaleUpPendingSince()).contains(T0);
      Decision done = decide(policy(settle20), T0.plusSeconds(20), rose(2.0, 0.1, 4.0, 0.5), 1, stillWaiting.state());
      assertThat(done.desiredReplicas()).isEqualTo(3);
      assertThat(done.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    }

    @Test
    void withoutARiseTheWindowsBandSettlesToo() {
      // λ̂ = 1.7 ± 2·0.2 = [1.3, 2.1] needs 1 to 2: the step may still be filling the window.
      Decision d = decide(policy(settle20), T0, load(1.7, 0.2), 1, StabilizationState.empty());
      assertThat(d.reason()).isEqualTo(DecisionReason.SCALE_UP_SETTLING);
      assertThat(d.desiredReplicas()).isEqualTo(1);
      // The load falls back below one replica's share: nothing to wait for any more.
      Decision calm = decide(policy(settle20), T0.plusSeconds(5), load(1.2, 0.1), 1, d.state());
      assertThat(calm.reason()).isEqualTo(DecisionReason.AT_TARGET);
      assertThat(calm.state().scaleUpPendingSince()).isEmpty();
      // A later ask starts a new wait rather than inheriting the old one.
      Decision again = decide(policy(settle20), T0.plusSeconds(30), load(1.7, 0.2), 1, calm.state());
      assertThat(again.state().scaleUpPendingSince()).contains(T0.plusSeconds(30));
    }

    @Test
    void anEstimateDippingBelowTheEdgeDoesNotRestartTheWait() {
      Decision first = decide(policy(settle20), T0, load(1.7, 0.2), 1, StabilizationState.empty());
      // λ̂ = 1.5 needs 1, but 1.5 + 2·0.2 = 1.9 still asks for 2: the wait goes on from T0.
      Decision dip = decide(policy(settle20), T0.plusSeconds(10), load(1.5, 0.2), 1, first.state());
      assertThat(dip.reason()).isEqualTo(DecisionReason.AT_TARGET);
      assertThat(dip.state().scaleUpPendingSince()).contains(T0);
      Decision after = decide(policy(settle20), T0.plusSeconds(20), load(1.7, 0.2), 1, dip.state());
      assertThat(after.desiredReplicas()).isEqualTo(2);
      assertThat(after.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    }

    @Test
    void aSettleTimeOfZeroScalesOnTheEstimateAtOnce() {
      Decision d = decide(policy(NO_WINDOWS), T0, rose(2.0, 0.1, 4.0, 0.5), 1, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(3);
      assertThat(d.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    }

    @Test
    void aScaleDownKeepsTheMarginOfTheRateSinceARise() {
      // 6 replicas; the window's 5.0 + 2·0.1 needs 4, but the rate since the rise, 5.5 + 2·0.6 = 6.7, needs 5.
      Decision d = decide(policy(settle20), T0, rose(5.0, 0.1, 5.5, 0.6), 6, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(5);
      assertThat(d.reason()).isEqualTo(DecisionReason.LOAD_BELOW_TARGET);
      assertThat(d.message()).contains("with margin (rate since the rise + 2.00·σ = 6.70 req/s) 5");
    }

    @Test
    void metricsGoingAwayKeepTheWaitsStart() {
      Decision d = decide(policy(settle20), T0, rose(2.0, 0.1, 4.0, 0.5), 1, StabilizationState.empty());
      Decision held = decide(policy(settle20), T0.plusSeconds(3), LoadReading.unavailable("PrometheusUnreachable", "down"), 1,
          d.state());
      assertThat(held.state().scaleUpPendingSince()).contains(T0);
    }
  }

  @Nested
  class ModelStep {

    @Test
    void scalesUpToTheModelCountInOneStep() {
      // 10 / (0.8·2) = 6.25 → 7
      Decision d = decide(policy(Behaviors.immediate()), T0, load(10), 1, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(7);
      assertThat(d.modelReplicas()).hasValue(7);
      assertThat(d.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
      assertThat(d.limit()).isEqualTo(ScalingLimit.NONE);
      assertThat(d.scalesUp()).isTrue();
      assertThat(d.message()).startsWith("1 → 7: λ̂ = 10.0 req/s at ρ = 0.80 of μ̂ = 2.00 req/s").contains("KV-cache memory");
      assertThat(d.utilization().getAsDouble()).isCloseTo(10 / 14.0, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(d.state().lastScaleUp()).contains(T0);
    }

    @Test
    void holdsWhenTheCurrentCountIsTheModelCount() {
      Decision d = decide(policy(NO_WINDOWS), T0, load(10), 7, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(7);
      assertThat(d.reason()).isEqualTo(DecisionReason.AT_TARGET);
      assertThat(d.scales()).isFalse();
      assertThat(d.message()).startsWith("hold 7: ");
      assertThat(d.state().lastScaleUp()).isEmpty();
    }

    @Test
    void exactMultipleOfTheTargetNeedsNoExtraReplica() {
      // 6.4 / 1.6 = 4 exactly (up to rounding): 4 replicas, not 5
      Decision d = decide(policy(NO_WINDOWS), T0, load(6.4), 1, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(4);
    }

    @Test
    void noLoadNeedsOneReplica() {
      Decision d = decide(policy(NO_WINDOWS), T0, load(0), 3, StabilizationState.empty());
      assertThat(d.modelReplicas()).hasValue(1);
      assertThat(d.desiredReplicas()).isEqualTo(1);
      assertThat(d.reason()).isEqualTo(DecisionReason.LOAD_BELOW_TARGET);
    }

    @Test
    void anAbsurdRateIsCappedAtTheMaximumRatherThanOverflowing() {
      Decision d = decide(policy(NO_WINDOWS), T0, load(1e300), 3, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(100);
      assertThat(d.limit()).isEqualTo(ScalingLimit.MAX);
    }

    @Test
    void sameInputsGiveTheSameDecision() {
      StabilizationState state = new StabilizationState(List.of(new RecommendedCount(T0.minusSeconds(30), 4)), Optional.empty());
      Decision a = decide(policy(Behaviors.immediate()), T0, load(3, 0.2), 5, state);
      Decision b = decide(policy(Behaviors.immediate()), T0, load(3, 0.2), 5, state);
      assertThat(a).isEqualTo(b);
    }
  }

  @Nested
  class Hysteresis {

    @Test
    void holdsWhenFewerReplicasHoldTheEstimateButNotItsMargin() {
      // λ̂ = 4.6 needs ⌈2.875⌉ = 3; λ̂ + 2σ = 5.6 needs ⌈3.5⌉ = 4: stay at 4
      Decision d = decide(policy(NO_WINDOWS), T0, load(4.6, 0.5), 4, StabilizationState.empty());
      assertThat(d.modelReplicas()).hasValue(3);
      assertThat(d.desiredReplicas()).isEqualTo(4);
      assertThat(d.reason()).isEqualTo(DecisionReason.WITHIN_MARGIN);
      assertThat(d.message()).contains("λ̂ + 2.00·σ = 5.60 req/s needs 4: holding 4");
    }

    @Test
    void withoutUncertaintyTheSameLoadScalesDown() {
      Decision d = decide(policy(NO_WINDOWS), T0, load(4.6, 0), 4, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(3);
      assertThat(d.reason()).isEqualTo(DecisionReason.LOAD_BELOW_TARGET);
    }

    @Test
    void scaleDownStopsAtTheReplicasThatHoldTheUpperBound() {
      // λ̂ = 3.2 needs 2; λ̂ + 2σ = 4.2 needs ⌈2.625⌉ = 3
      Decision d = decide(policy(NO_WINDOWS), T0, load(3.2, 0.5), 6, StabilizationState.empty());
      assertThat(d.modelReplicas()).hasValue(2);
      assertThat(d.desiredReplicas()).isEqualTo(3);
      assertThat(d.message()).contains("with margin (λ̂ + 2.00·σ = 4.20 req/s) 3");
    }

    @Test
    void scaleUpUsesThePointEstimateNotTheMargin() {
      // λ̂ = 3.3 needs ⌈2.06⌉ = 3 from 2, whatever σ
      Decision d = decide(policy(NO_WINDOWS), T0, load(3.3, 5), 2, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(3);
      assertThat(d.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    }

    @Test
    void confidenceZeroRemovesTheMargin() {
      Decision d = decide(policy(NO_WINDOWS.withConfidence(0)), T0, load(4.6, 0.5), 4, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(3);
    }

    @Test
    void aLoadOscillatingAroundAThresholdDoesNotFlap() {
      ScalingPolicy policy = policy(NO_WINDOWS);
      StabilizationState state = StabilizationState.empty();
      int replicas = 3;
      int changes = 0;
      // λ̂ swings around 3.2 (= 2 replicas at ρ) with σ = 0.3: 3 replicas are needed for the up-swings
      for (int i = 0; i < 40; i++) {
        double lambda = i % 2 == 0 ? 3.1 : 3.3;
        Decision d = decide(policy, T0.plusSeconds(15L * i), load(lambda, 0.3), replicas, state);
        changes += d.scales() ? 1 : 0;
        replicas = d.desiredReplicas();
        state = d.state();
      }
      assertThat(replicas).isEqualTo(3);
      assertThat(changes).isZero();
    }
  }

  @Nested
  class Windows {

    @Test
    void scaleDownWaitsForTheWindow() {
      ScalingPolicy policy = policy(Behaviors.immediate()); // 300 s down window
      Decision high = decide(policy, T0, load(8), 5, StabilizationState.empty());
      assertThat(high.desiredReplicas()).isEqualTo(5);

      Decision early = decide(policy, T0.plusSeconds(60), load(1), 5, high.state());
      assertThat(early.desiredReplicas()).isEqualTo(5);
      assertThat(early.reason()).isEqualTo(DecisionReason.SCALE_DOWN_STABILIZATION);
      assertThat(early.message()).contains("scale-down stabilisation keeps 5 (the largest recommendation of the last 300 s)");

      Decision atEdge = decide(policy, T0.plusSeconds(300), load(1), 5, early.state());
      assertThat(atEdge.desiredReplicas()).as("the recommendation of T0 is still inside [now − 300 s, now]").isEqualTo(5);

      Decision after = decide(policy, T0.plusSeconds(301), load(1), 5, atEdge.state());
      assertThat(after.desiredReplicas()).isEqualTo(1);
      assertThat(after.reason()).isEqualTo(DecisionReason.LOAD_BELOW_TARGET);
    }

    @Test
    void scaleDownFollowsTheLargestRecommendationStillInTheWindow() {
      ScalingPolicy policy = policy(Behaviors.immediate());
      StabilizationState state = new StabilizationState(List.of(
          new RecommendedCount(T0, 5), new RecommendedCount(T0.plusSeconds(100), 3), new RecommendedCount(T0.plusSeconds(200), 2)),
          Optional.empty());
      Decision d = decide(policy, T0.plusSeconds(310), load(1), 5, state);
      assertThat(d.desiredReplicas()).isEqualTo(3);
      assertThat(d.reason()).isEqualTo(DecisionReason.SCALE_DOWN_STABILIZATION);
      assertThat(d.scalesDown()).isTrue();
    }

    @Test
    void scaleUpIsImmediateByDefaultWhateverTheHistory() {
      ScalingPolicy policy = policy(Behaviors.immediate());
      StabilizationState state = new StabilizationState(List.of(new RecommendedCount(T0.minusSeconds(10), 1)), Optional.empty());
      Decision d = decide(policy, T0, load(10), 1, state);
      assertThat(d.desiredReplicas()).isEqualTo(7);
    }

    @Test
    void scaleUpWindowTakesTheSmallestRecommendation() {
      ScalingPolicy policy = policy(Behaviors.immediate().withScaleUpWindow(Duration.ofSeconds(60)));
      Decision low = decide(policy, T0, load(3), 2, StabilizationState.empty());
      assertThat(low.desiredReplicas()).isEqualTo(2);

      Decision burst = decide(policy, T0.plusSeconds(15), load(9), 2, low.state());
      assertThat(burst.desiredReplicas()).isEqualTo(2);
      assertThat(burst.reason()).isEqualTo(DecisionReason.SCALE_UP_STABILIZATION);
      assertThat(burst.message()).contains("scale-up stabilisation allows 2");

      Decision partial = decide(policy, T0.plusSeconds(61), load(12), 2, burst.state());
      assertThat(partial.desiredReplicas()).as("smallest in (T0+1, T0+61] is the burst's 6").isEqualTo(6);
      assertThat(partial.reason()).isEqualTo(DecisionReason.SCALE_UP_STABILIZATION);

      Decision sustained = decide(policy, T0.plusSeconds(80), load(12), 6, partial.state());
      assertThat(sustained.desiredReplicas()).isEqualTo(8);
      assertThat(sustained.reason()).isEqualTo(DecisionReason.LOAD_ABOVE_TARGET);
    }

    @Test
    void stateKeepsOnlyTheLongestWindow() {
      ScalingPolicy policy = policy(Behaviors.immediate());
      StabilizationState state = StabilizationState.empty();
      for (int i = 0; i < 240; i++) {
        state = decide(policy, T0.plusSeconds(15L * i), load(i % 7), 3, state).state();
      }
      // 300 s at 15 s: the newest and the 20 before it
      assertThat(state.recommendations()).hasSize(21);
      assertThat(state.recommendations().get(0).time()).isEqualTo(T0.plusSeconds(15L * 219));
    }

    @Test
    void aRestartWithThePersistedStateDoesNotScaleDownEarly() {
      ScalingPolicy policy = policy(Behaviors.immediate());
      Decision before = decide(policy, T0, load(8), 5, StabilizationState.empty());
      // what the operator writes to status and reads back after a restart
      StabilizationState persisted = new StabilizationState(List.copyOf(before.state().recommendations()),
          before.state().lastScaleUp());
      Decision restarted = decide(policy, T0.plusSeconds(30), load(1), 5, persisted);
      assertThat(restarted.desiredReplicas()).isEqualTo(5);
      Decision lostState = decide(policy, T0.plusSeconds(30), load(1), 5, StabilizationState.empty());
      assertThat(lostState.desiredReplicas()).as("without the state the window would be empty").isEqualTo(1);
    }
  }

  @Nested
  class Limits {

    @Test
    void scaleUpStepLimitInReplicas() {
      ScalingPolicy policy = policy(Behaviors.immediate().withScaleUpLimit(StepLimit.ofReplicas(2)));
      Decision d = decide(policy, T0, load(10), 1, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(3);
      assertThat(d.limit()).isEqualTo(ScalingLimit.SCALE_UP_STEP);
      assertThat(d.limited()).isTrue();
      assertThat(d.message()).contains("scale-up step limit (2 replicas per action) allows 3");
      assertThat(d.state().recommendations()).extracting(RecommendedCount::replicas).containsExactly(7);
    }

    @Test
    void stepLimitTakesTheLargerOfCountAndPercent() {
      ScalingPolicy policy = policy(Behaviors.immediate().withScaleUpLimit(new StepLimit(1, 50)));
      assertThat(decide(policy, T0, load(20), 4, StabilizationState.empty()).desiredReplicas()).isEqualTo(6);
      assertThat(decide(policy, T0, load(20), 1, StabilizationState.empty()).desiredReplicas()).isEqualTo(2);
    }

    @Test
    void aPercentLimitStillMovesFromZeroReplicas() {
      ScalingPolicy policy = policy(Behaviors.immediate().withScaleUpLimit(StepLimit.ofPercent(100)));
      Decision d = decide(policy, T0, load(10), 0, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(1);
      assertThat(d.limit()).isEqualTo(ScalingLimit.SCALE_UP_STEP);
    }

    @Test
    void scaleDownStepLimit() {
      ScalingPolicy policy = policy(NO_WINDOWS.withScaleDownLimit(StepLimit.ofReplicas(1)));
      Decision d = decide(policy, T0, load(1), 10, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(9);
      assertThat(d.limit()).isEqualTo(ScalingLimit.SCALE_DOWN_STEP);
      assertThat(d.message()).contains("scale-down step limit (1 replicas per action) allows 9");
    }

    @Test
    void maximumCapsAndIsReported() {
      ScalingPolicy policy = new ScalingPolicy(new ReplicaRange(1, 5), RHO, Behaviors.immediate());
      Decision d = decide(policy, T0, load(10), 2, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(5);
      assertThat(d.limit()).isEqualTo(ScalingLimit.MAX);
      assertThat(d.message()).contains("capped at the maximum 5");
    }

    @Test
    void maximumWinsOverAStepLimitAndIsTheOneReported() {
      ScalingPolicy policy = new ScalingPolicy(new ReplicaRange(1, 5), RHO, Behaviors.immediate().withScaleUpLimit(StepLimit.ofReplicas(4)));
      Decision d = decide(policy, T0, load(20), 2, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(5);
      assertThat(d.limit()).isEqualTo(ScalingLimit.MAX);
    }

    @Test
    void minimumRaisesAndIsReportedEvenWhenNothingMoves() {
      ScalingPolicy policy = new ScalingPolicy(new ReplicaRange(2, 10), RHO, NO_WINDOWS);
      Decision d = decide(policy, T0, load(0.5), 2, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(2);
      assertThat(d.scales()).isFalse();
      assertThat(d.limit()).isEqualTo(ScalingLimit.MIN);
      assertThat(d.message()).contains("raised to the minimum 2");
    }

    @Test
    void aCountAboveANewMaximumComesDownToIt() {
      ScalingPolicy policy = new ScalingPolicy(new ReplicaRange(1, 5), RHO, Behaviors.immediate());
      Decision d = decide(policy, T0, load(10), 9, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(5);
      assertThat(d.limit()).isEqualTo(ScalingLimit.MAX);
    }
  }

  @Nested
  class MissingMetrics {

    final LoadReading down = LoadReading.unavailable("PrometheusUnreachable", "connection refused");

    @Test
    void holdsTheCurrentCountAndNeverScalesDown() {
      StabilizationState lowHistory = new StabilizationState(List.of(new RecommendedCount(T0.minusSeconds(400), 1),
          new RecommendedCount(T0.minusSeconds(15), 1)), Optional.empty());
      Decision d = decide(policy(NO_WINDOWS), T0, down, 8, lowHistory);
      assertThat(d.desiredReplicas()).isEqualTo(8);
      assertThat(d.reason()).isEqualTo(DecisionReason.METRICS_UNAVAILABLE);
      assertThat(d.stability()).isEqualTo(StabilityVerdict.UNKNOWN);
      assertThat(d.modelReplicas()).isEmpty();
      assertThat(d.utilization()).isEmpty();
      assertThat(d.message()).contains("PrometheusUnreachable: connection refused").contains("holding 8 replicas");
      assertThat(d.state().recommendations()).as("the hold is recorded as a recommendation of the current count")
          .contains(new RecommendedCount(T0, 8));
      Decision back = decide(policy(NO_WINDOWS.withScaleDownWindow(Duration.ofMinutes(5))), T0.plusSeconds(15),
          LoadReading.measured(new ArrivalRate(1, 0.01), CAPACITY), 8, d.state());
      assertThat(back.desiredReplicas()).as("metrics back, low load: the scale-down window covers the hold").isEqualTo(8);
    }

    @Test
    void stillRespectsTheBounds() {
      ScalingPolicy policy = new ScalingPolicy(new ReplicaRange(2, 5), RHO, Behaviors.immediate());
      Decision above = decide(policy, T0, down, 9, StabilizationState.empty());
      assertThat(above.desiredReplicas()).isEqualTo(5);
      assertThat(above.limit()).isEqualTo(ScalingLimit.MAX);
      Decision below = decide(policy, T0, down, 0, StabilizationState.empty());
      assertThat(below.desiredReplicas()).isEqualTo(2);
      assertThat(below.limit()).isEqualTo(ScalingLimit.MIN);
      assertThat(below.state().lastScaleUp()).contains(T0);
    }

    @Test
    void anUnavailableObservationNeedsAReason() {
      assertThatThrownBy(() -> LoadReading.unavailable(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Idle {

    @Test
    void anIdleServiceComesDownToOneAfterTheWindow() {
      ScalingPolicy policy = policy(Behaviors.immediate());
      Decision busy = decide(policy, T0, load(8), 5, StabilizationState.empty());
      Decision early = decide(policy, T0.plusSeconds(60), LoadReading.idle(), 5, busy.state());
      assertThat(early.desiredReplicas()).isEqualTo(5);
      assertThat(early.reason()).isEqualTo(DecisionReason.SCALE_DOWN_STABILIZATION);
      Decision late = decide(policy, T0.plusSeconds(301), LoadReading.idle(), 5, early.state());
      assertThat(late.desiredReplicas()).isEqualTo(1);
      assertThat(late.reason()).isEqualTo(DecisionReason.IDLE);
      assertThat(late.stability()).isEqualTo(StabilityVerdict.STABLE);
      assertThat(late.utilization()).hasValue(0);
      assertThat(late.message()).startsWith("5 → 1: no request arrived, completed or waited in the window");
    }

    @Test
    void idleRespectsTheMinimumAndIsAtTargetOnOneReplica() {
      ScalingPolicy policy = new ScalingPolicy(new ReplicaRange(2, 10), RHO, NO_WINDOWS);
      Decision d = decide(policy, T0, LoadReading.idle(), 4, StabilizationState.empty());
      assertThat(d.desiredReplicas()).isEqualTo(2);
      assertThat(d.limit()).isEqualTo(ScalingLimit.MIN);
      assertThat(decide(policy(NO_WINDOWS), T0, LoadReading.idle(), 1, StabilizationState.empty()).reason())
          .isEqualTo(DecisionReason.AT_TARGET);
    }
  }

  @Nested
  class StartingReplicas {

    final ScalingBehavior behavior = Behaviors.immediate().withStartupTime(Duration.ofSeconds(120));

    @Test
    void replicasStillStartingAreNotAskedForAgain() {
      ScalingPolicy policy = policy(behavior);
      Decision up = policy.decide(T0, load(10), new ReplicaCounts(1, 1), StabilizationState.empty());
      assertThat(up.desiredReplicas()).isEqualTo(7);

      // 30 s later only the first replica is ready; the queue has grown but the load is the same
      Decision next = policy.decide(T0.plusSeconds(30), load(10), new ReplicaCounts(7, 1), up.state());
      assertThat(next.desiredReplicas()).isEqualTo(7);
      assertThat(next.startingReplicas()).isEqualTo(6);
      assertThat(next.stalledReplicas()).isZero();
      assertThat(next.message()).contains("6 replicas still starting counted as coming capacity");
      assertThat(next.stability()).isEqualTo(StabilityVerdict.UNSTABLE);
      assertThat(next.stabilityMessage()).contains("1 ready replica").contains("6 more replicas are starting");
    }

    @Test
    void moreLoadWhileStartingAsksOnlyForTheDifference() {
      ScalingPolicy policy = policy(behavior);
      Decision up = policy.decide(T0, load(10), new ReplicaCounts(1, 1), StabilizationState.empty());
      Decision more = policy.decide(T0.plusSeconds(15), load(12), new ReplicaCounts(7, 1), up.state());
      assertThat(more.desiredReplicas()).isEqualTo(8);
      assertThat(more.state().lastScaleUp()).contains(T0.plusSeconds(15));
    }

    @Test
    void replicasNotReadyAfterTheStartupTimeAreReportedAsStalled() {
      ScalingPolicy policy = policy(behavior);
      Decision up = policy.decide(T0, load(10), new ReplicaCounts(1, 1), StabilizationState.empty());
      Decision late = policy.decide(T0.plusSeconds(121), load(10), new ReplicaCounts(7, 4), up.state());
      assertThat(late.startingReplicas()).isZero();
      assertThat(late.stalledReplicas()).isEqualTo(3);
      assertThat(late.desiredReplicas()).as("stalled replicas are not replaced by asking for more").isEqualTo(7);
      assertThat(late.message()).contains("3 replicas not ready after the start-up time (120 s)");
    }

    @Test
    void unreadyReplicasWithoutAKnownScaleUpAreStalled() {
      Decision d = policy(behavior).decide(T0, load(3), new ReplicaCounts(2, 1), StabilizationState.empty());
      assertThat(d.startingReplicas()).isZero();
      assertThat(d.stalledReplicas()).isEqualTo(1);
    }
  }

  @Nested
  class Stability {

    // two ready replicas: stability bound 3.6 req/s, instability bound 4.0 req/s
    Decision withTwoReady(double lambda) {
      return policy(Behaviors.immediate()).decide(T0, load(lambda), ReplicaCounts.allReady(2), StabilizationState.empty());
    }

    @Test
    void belowTheStabilityBoundIsStable() {
      Decision d = withTwoReady(3.0);
      assertThat(d.stability()).isEqualTo(StabilityVerdict.STABLE);
      assertThat(d.stabilityMessage()).isEqualTo("λ̂ = 3.00 req/s is below the stability bound of 2 ready replicas (3.60 req/s)");
    }

    @Test
    void betweenTheBoundsIsMarginal() {
      Decision d = withTwoReady(3.7);
      assertThat(d.stability()).isEqualTo(StabilityVerdict.MARGINAL);
      assertThat(d.stabilityMessage()).contains("between the stability bound (3.60) and the instability bound (4.00 req/s)");
    }

    @Test
    void atTheInstabilityBoundIsUnstable() {
      Decision d = withTwoReady(4.0);
      assertThat(d.stability()).isEqualTo(StabilityVerdict.UNSTABLE);
      assertThat(d.stabilityMessage()).contains("at or above the instability bound of 2 ready replicas (4.00 req/s)");
    }

    @Test
    void loadWithNoReadyReplicaIsUnstableAndNoLoadIsStable() {
      ScalingPolicy policy = policy(Behaviors.immediate());
      assertThat(policy.decide(T0, load(0.1), new ReplicaCounts(1, 0), StabilizationState.empty()).stability())
          .isEqualTo(StabilityVerdict.UNSTABLE);
      assertThat(policy.decide(T0, load(0), new ReplicaCounts(1, 0), StabilizationState.empty()).stability())
          .isEqualTo(StabilityVerdict.STABLE);
    }
  }

  @Nested
  class BadInput {

    @Test
    void refusesWhatCannotBeDecidedOn() {
      assertThatThrownBy(() -> new ReplicaRange(-1, 3)).hasMessageContaining("minimum replicas must be at least 0");
      assertThatThrownBy(() -> new ReplicaRange(0, 0)).hasMessageContaining("maximum replicas must be at least 1");
      assertThatThrownBy(() -> new ReplicaRange(4, 3)).hasMessageContaining("maximum replicas (3) must be >= minimum replicas (4)");
      assertThatThrownBy(() -> new ScalingPolicy(WIDE, 1.0, Behaviors.immediate())).hasMessageContaining("target utilisation");
      assertThatThrownBy(() -> new ScalingPolicy(WIDE, 0, Behaviors.immediate())).hasMessageContaining("target utilisation");
      assertThatThrownBy(() -> Behaviors.immediate().withScaleDownWindow(Duration.ofSeconds(-1))).hasMessageContaining("scale-down stabilisation window");
      assertThatThrownBy(() -> Behaviors.immediate().withConfidence(Double.NaN)).hasMessageContaining("confidence");
      assertThatThrownBy(() -> new StepLimit(-1, 0)).hasMessageContaining("step limit replicas");
      assertThatThrownBy(() -> new StepLimit(0, -5)).hasMessageContaining("step limit percent");
      assertThatThrownBy(() -> new ArrivalRate(Double.NaN, 0)).hasMessageContaining("arrival rate");
      assertThatThrownBy(() -> new ArrivalRate(1, Double.POSITIVE_INFINITY)).hasMessageContaining("standard error");
      assertThatThrownBy(() -> new ReplicaCounts(-1, 0)).hasMessageContaining("spec replicas");
      assertThatThrownBy(() -> policy(Behaviors.immediate()).decide(null, load(1), ReplicaCounts.allReady(1), StabilizationState.empty()))
          .hasMessageContaining("decision time");
    }
  }
}
