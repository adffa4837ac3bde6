package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Step-time coefficients used by the solver and their source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepTimeStatus {

  @JsonPropertyDescription("c0: fixed seconds of one engine step.")
  private Double baseSeconds;

  @JsonPropertyDescription("c1: seconds per token computed in a step.")
  private Double secondsPerToken;

  @JsonPropertyDescription("c2: seconds per KV-cache token resident.")
  private Double secondsPerKvToken;

  @JsonPropertyDescription("Given (spec), Observed (fitted from metrics) or Default.")
  private ValueSource source;

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

  public ValueSource getSource() {
    return source;
  }

  public void setSource(ValueSource source) {
    this.source = source;
  }
}
