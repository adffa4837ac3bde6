package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.stableserve.solve.StepTimeModel;

/** Step-time coefficients c0, c1, c2 of b = c0 + c1·n + c2·m. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepTimeSpec {

  @Required
  @Max(60)
  @ValidationRule(value = "self > 0.0", message = "must be greater than 0 seconds: every engine step takes time")
  @JsonPropertyDescription("c0: fixed seconds of one engine step, greater than 0 (e.g. 0.015). For the paper's "
      + "constant step time give only this.")
  private Double baseSeconds;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("c1: seconds per token computed in a step (prefill chunk tokens plus one per decoding "
      + "sequence), e.g. 2e-5. Default 0.")
  private Double secondsPerToken;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("c2: seconds per KV-cache token resident during a step, e.g. 1e-7. Default 0.")
  private Double secondsPerKvToken;

  public StepTimeSpec() {}

  public StepTimeSpec(double baseSeconds, double secondsPerToken, double secondsPerKvToken) {
    this.baseSeconds = baseSeconds;
    this.secondsPerToken = secondsPerToken;
    this.secondsPerKvToken = secondsPerKvToken;
  }

  @JsonIgnore
  public boolean isComplete() {
    return baseSeconds != null;
  }

  /** The solver's step-time model; omitted per-token coefficients count as 0. */
  public StepTimeModel toModel() {
    if (baseSeconds == null) {
      throw new IllegalArgumentException("engine.stepTime.baseSeconds is required when engine.stepTime is given");
    }
    return new StepTimeModel(baseSeconds,
        secondsPerToken == null ? 0 : secondsPerToken,
        secondsPerKvToken == null ? 0 : secondsPerKvToken);
  }

  public Double getBaseSeconds() {
    return baseSeconds;
  }

  public void setBaseSeconds(Double baseSeconds) {
    this.baseSeconds = baseSeconds;
  }

  public Double getSecondsPerToken() {
    return secondsPerToken;
  }

  public void setSecondsPerToken(Double secondsPerToken) {
    this.secondsPerToken = secondsPerToken;
  }

  public Double getSecondsPerKvToken() {
    return secondsPerKvToken;
  }

  public void setSecondsPerKvToken(Double secondsPerKvToken) {
    this.secondsPerKvToken = secondsPerKvToken;
  }
}
