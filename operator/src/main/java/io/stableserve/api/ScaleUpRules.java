package io.stableserve.api;

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

  @Default("0s")
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @JsonPropertyDescription("Stabilization window: the decision uses the lowest recommendation of this "
      + "past span, so brief dips and spikes do not make replicas flap. Default 0s: scale up as soon as the model asks.")
  private String stabilizationWindow = "0s";

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
    return Durations.parse(stabilizationWindow == null ? "0s" : stabilizationWindow, "behavior.scaleUp.stabilizationWindow");
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
