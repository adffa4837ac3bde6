package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineAdviceEventTest {

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
