package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceEvaluatorTest {

  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  /** A 20 s window and an 8 s start-up. */
  static final Duration WINDOW_AND_STARTUP = Duration.ofSeconds(28);

  @Test
  void replicasThatBecameReadyWithinTheWindowAreNotSteady() {
    // scaled 21 s ago: the window (20 s) began after the scale, but the new replicas were still starting in it
    assertThat(ServiceEvaluator.steady(new ReplicaCounts(4, 4), Optional.of(NOW.minusSeconds(21)), NOW, WINDOW_AND_STARTUP))
        .isFalse();
    assertThat(ServiceEvaluator.steady(new ReplicaCounts(4, 4), Optional.of(NOW.minusSeconds(29)), NOW, WINDOW_AND_STARTUP))
        .isTrue();
  }

  @Test
  void aReplicaStillStartingIsNotSteadyWhateverTheLastScale() {
    assertThat(ServiceEvaluator.steady(new ReplicaCounts(4, 3), Optional.of(NOW.minusSeconds(600)), NOW, WINDOW_AND_STARTUP))
        .isFalse();
    assertThat(ServiceEvaluator.steady(new ReplicaCounts(2, 2), Optional.empty(), NOW, WINDOW_AND_STARTUP)).isTrue();
  }

  @Test
  void engineAdviceThatWandersWithinAQuarterIsNotAnnouncedAgain() {
    io.stableserve.api.EngineRecommendation before = new io.stableserve.api.EngineRecommendation();
    before.setSetting("max_num_seqs");
    before.setValue(170L);
    java.util.function.LongFunction<EngineAdvice> advice = v -> new EngineAdvice("max_num_seqs", v,
        java.util.OptionalLong.of(48), 3.0, 6.5);
    assertThat(InferenceServiceReconciler.sameAdvice(before, advice.apply(188))).isTrue();
    assertThat(InferenceServiceReconciler.sameAdvice(before, advice.apply(139))).isTrue();
    assertThat(InferenceServiceReconciler.sameAdvice(before, advice.apply(18))).isFalse();
    assertThat(InferenceServiceReconciler.sameAdvice(before, advice.apply(250))).isFalse();
    assertThat(InferenceServiceReconciler.sameAdvice(null, advice.apply(170))).isFalse();
  }
}
