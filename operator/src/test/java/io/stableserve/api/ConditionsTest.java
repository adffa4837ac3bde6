package io.stableserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.DecisionReason;
import io.stableserve.decide.ScalingLimit;
import io.stableserve.decide.StabilityVerdict;
import io.stableserve.observe.MetricsProblem;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reasons in {@link Conditions} are the ones the pipeline stages produce. */
class ConditionsTest {

  @Test
  void everyMetricsProblemIsAMetricsAvailableReason() {
    assertThat(Conditions.REASONS.get(Conditions.METRICS_AVAILABLE))
        .containsAll(Arrays.stream(MetricsProblem.values()).map(MetricsProblem::reason).toList());
  }

  @Test
  void stableReasonsAreTheStabilityVerdicts() {
    assertThat(Conditions.REASONS.get(Conditions.STABLE))
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(StabilityVerdict.values()).map(StabilityVerdict::machineName).toList());
  }

  @Test
  void scalingLimitedReasonsAreTheScalingLimits() {
    assertThat(Conditions.REASONS.get(Conditions.SCALING_LIMITED))
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(ScalingLimit.values()).map(ScalingLimit::machineName).toList());
  }

  @Test
  void everyDecisionReasonIsAnEventReason() {
    assertThat(Conditions.EVENT_REASONS)
        .containsAll(Arrays.stream(DecisionReason.values()).map(DecisionReason::machineName).toList());
  }

  @Test
  void reasonsAreCamelCaseAndEachTypeHasItsOwn() {
    assertThat(Conditions.REASONS.keySet()).containsExactlyElementsOf(Conditions.TYPES);
    Set<String> seen = new HashSet<>();
    for (List<String> reasons : Conditions.REASONS.values()) {
      for (String reason : reasons) {
        assertThat(reason).matches("[A-Z][A-Za-z]*");
        if (!reason.equals(Conditions.METRICS_UNAVAILABLE)) {
          assertThat(seen.add(reason)).as("reason %s used by two condition types", reason).isTrue();
        }
      }
    }
  }
}
