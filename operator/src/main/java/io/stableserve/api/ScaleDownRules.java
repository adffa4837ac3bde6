package io.stableserve.api;

import io.stableserve.settings.Defaults;
import io.stableserve.settings.DurationBounds;
import io.stableserve.settings.Durations;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.Duration;

/** Rules for replicas being removed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleDownRules implements ScalingRules {

  @Default(Defaults.SCALE_DOWN_WINDOW)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.STABILIZATION_RULE, message = DurationBounds.STABILIZATION_MESSAGE)
  @JsonPropertyDescription("Stabilization window: the decision uses the highest recommendation of this "
      + "past span, so brief dips and spikes do not make replicas flap. 0s to 1h. Default 5m, like the HPA.")
  private String stabilizationWindow = Defaults.SCALE_DOWN_WINDOW;

  @Min(1)
  @JsonPropertyDescription("Most replicas removed in one decision. No limit when omitted.")
  private Integer maxReplicasPerStep;

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Most replicas removed in one decision as a percentage of the current count (rounded up). "
      + "When both limits are set the larger change is allowed. No limit when omitted.")
  private Integer maxPercentPerStep;

  @Override
  public Duration stabilizationWindowDuration() {
    return Durations.parse(stabilizationWindow == null ? Defaults.SCALE_DOWN_WINDOW : stabilizationWindow, "behavior.scaleDown.stabilizationWindow",
        DurationBounds.STABILIZATION_MIN, DurationBounds.STABILIZATION_MAX);
  }

  public String getStabilizationWindow() {
    return stabilizationWindow;
  }

  public void setStabilizationWindow(String stabilizationWindow) {
    this.stabilizationWindow = stabilizationWindow;
  }

  public Integer getMaxReplicasPerStep() {
    return maxReplicasPerStep;
  }

  public void setMaxReplicasPerStep(Integer maxReplicasPerStep) {
    this.maxReplicasPerStep = maxReplicasPerStep;
  }

  public Integer getMaxPercentPerStep() {
    return maxPercentPerStep;
  }

  public void setMaxPercentPerStep(Integer maxPercentPerStep) {
    this.maxPercentPerStep = maxPercentPerStep;
  }
}
