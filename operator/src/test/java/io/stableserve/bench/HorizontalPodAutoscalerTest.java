package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HorizontalPodAutoscalerTest {

  private final ReplicaRange range = new ReplicaRange(1, 40);

  private HorizontalPodAutoscaler hpa() {
    return new HorizontalPodAutoscaler(HpaBehavior.defaults(), range, HorizontalPodAutoscaler.DEFAULT_TOLERANCE);
  }

  @Test
  void podsMetricScalesByTheRatioOfTheAverageToTheTarget() {
    // average 0.9 / target 0.8 = 1.125, outside the tolerance: ⌈1.125 · 3⌉ = ⌈3.375⌉ = 4
    assertThat(hpa().podsMetricReplicas(List.of(0.9, 0.9, 0.9), 0, 3, 0.8)).isEqualTo(4);
  }

  @Test
  void podsMetricWithinTheToleranceKeepsTheCount() {
    // 0.85 / 0.8 = 1.0625, within 1 ± 0.1
    assertThat(hpa().podsMetricReplicas(List.of(0.85, 0.85), 0, 2, 0.8)).isEqualTo(2);
    // 0.71 / 0.8 = 0.8875, outside: ⌈0.8875 · 2⌉ = 2 anyway; 0.6 / 0.8 = 0.75: ⌈1.5⌉ = 2 of 3 pods
    assertThat(hpa().podsMetricReplicas(List.of(0.6, 0.6, 0.6), 0, 3, 0.8)).isEqualTo(3);
    assertThat(hpa().podsMetricReplicas(List.of(0.4, 0.4, 0.4), 0, 3, 0.8)).isEqualTo(2);
  }

  @Test
  void missingPodsCountAsZeroOnAScaleUpAndTheDecisionIsDroppedWhenItReverses() {
    // ratio 1.0 / 0.8 = 1.25 up; with 2 missing pods at 0: 2 / 4 / 0.8 = 0.625, reversed: keep 4
    assertThat(hpa().podsMetricReplicas(List.of(1.0, 1.0), 2, 4, 0.8)).isEqualTo(4);
    // ratio 2; with 1 missing pod at 0: 3 / 4 / 0.5 = 1.5: ⌈1.5 · 4⌉ = 6
    assertThat(hpa().podsMetricReplicas(List.of(1.0, 1.0, 1.0), 1, 4, 0.5)).isEqualTo(6);
  }

  @Test
  void missingPodsCountAsAtTargetOnAScaleDown() {
    // ratio 0.25; the missing pod at the target: (0.4 + 0.8) / 3 / 0.8 = 0.5: ⌈0.5 · 3⌉ = 2
    assertThat(hpa().podsMetricReplicas(List.of(0.2, 0.2), 1, 3, 0.8)).isEqualTo(2);
  }

  @Test
  void externalAverageValueDividesTheTotalByTheTarget() {
    // 23 waiting / (5 · 3) = 1.53: ⌈23 / 5⌉ = 5
    assertThat(hpa().externalAverageReplicas(23, 3, 5)).isEqualTo(5);
    // 16 / 15 = 1.067, within the tolerance
    assertThat(hpa().externalAverageReplicas(16, 3, 5)).isEqualTo(3);
    // nothing waiting: 0 replicas, which the bounds raise to the minimum later
    assertThat(hpa().externalAverageReplicas(0, 3, 5)).isZero();
  }

  @Test
  void scaleUpIsLimitedToTheLargerOfDoublingAndFourPodsPerFifteenSeconds() {
    HorizontalPodAutoscaler hpa = hpa();
    assertThat(hpa.normalize(0, 2, 20)).isEqualTo(6); // max(2·2, 2+4)
    assertThat(hpa.normalize(5, 6, 20)).as("same 15 s period: the period started at 2").isEqualTo(6);
    assertThat(hpa.normalize(15, 6, 20)).as("a new period: max(12, 10)").isEqualTo(12);
    assertThat(hpa.normalize(30, 12, 20)).isEqualTo(20);
  }

  @Test
  void scaleDownWaitsForTheHighestRecommendationOfTheLastFiveMinutes() {
    HorizontalPodAutoscaler hpa = hpa();
    assertThat(hpa.normalize(0, 10, 2)).as("a new HPA's window starts at the current count").isEqualTo(10);
    for (int t = 15; t < 300; t += 15) {
      assertThat(hpa.normalize(t, 10, 2)).isEqualTo(10);
    }
    assertThat(hpa.normalize(300, 10, 2)).as("the count of time 0 has left the window; 100% per 15 s allows it").isEqualTo(2);
  }

  @Test
  void aHigherRecommendationInTheWindowHoldsAScaleDown() {
    HorizontalPodAutoscaler hpa = hpa();
    hpa.normalize(0, 4, 4);
    assertThat(hpa.normalize(100, 4, 8)).isEqualTo(8);
  }
}
