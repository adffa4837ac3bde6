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

/** Rules for replicas being added. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleUpRules implements ScalingRules {

  @Default(Defaults.SCALE_UP_WINDOW)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.STABILIZATION_RULE, message = DurationBounds.STABILIZATION_MESSAGE)
  @JsonPropertyDescription("Stabilization window: the decision uses the lowest recommendation of this "
      + "past span, so brief dips and spikes do not make replicas flap. 0s to 1h. Default 0s: scale up as soon as the model asks.")
  private String stabilizationWindow = Defaults.SCALE_UP_WINDOW;

  @Default(Defaults.SETTLE_TIME)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.SETTLE_RULE, message = DurationBounds.SETTLE_MESSAGE)
  @JsonPropertyDescription("Longest a scale-up waits, from when the load first asks for it, while the arrival rate's "
      + "95% band still needs more than one replica count; then it takes the count of the estimate. After a step in load "
      + "this makes the scale-up one decision to the right count instead of several. 0s to 10m; 0s: scale up on the estimate at once.")
  private String settleTime = Defaults.SETTLE_TIME;

  @Min(1)
  @JsonPropertyDescription("Most replicas added in one decision. No limit when omitted.")
  private Integer maxReplicasPerStep;

  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Most replicas added in one decision as a percentage of the current count (rounded up). "
      + "When both limits are set the larger change is allowed. No limit when omitted.")
  private Integer maxPercentPerStep;

  @Override
  public Duration stabilizationWindowDuration() {
    return Durations.parse(stabilizationWindow == null ? Defaults.SCALE_UP_WINDOW : stabilizationWindow, "behavior.scaleUp.stabilizationWindow",
        DurationBounds.STABILIZATION_MIN, DurationBounds.STABILIZATION_MAX);
  }

  public Duration settleTimeDuration() {
    return Durations.parse(settleTime == null ? Defaults.SETTLE_TIME : settleTime, "behavior.scaleUp.settleTime", DurationBounds.SETTLE_MIN, DurationBounds.SETTLE_MAX);
  }

  public String getSettleTime() {
    return settleTime;
  }

  public void setSettleTime(String settleTime) {
    this.settleTime = settleTime;
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
