package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The TTFT objective against the approximation and what vLLM measured. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TtftStatus {

  @JsonPropertyDescription("The objective: the percentile and its target, in seconds.")
  private Double targetSeconds;

  @JsonPropertyDescription("Which percentile of TTFT the objective is on.")
  private Double percentile;

  @JsonPropertyDescription("The TTFT percentile vLLM measured over the window (time_to_first_token_seconds), seconds; "
      + "absent while too few requests got a first token.")
  private Double observedSeconds;

  @JsonPropertyDescription("The approximation's TTFT percentile for the replicas that served the window, seconds, "
      + "before calibration.")
  private Double predictedSeconds;

  @JsonPropertyDescription("The calibration factor k on the approximation's wait, learned from observed against "
      + "predicted, within [0.05, 10]; 1 until measured.")
  private Double calibrationFactor;

  @JsonPropertyDescription("The predicted TTFT percentile at the desired replica count, with the calibration, seconds.")
  private Double predictedAtDesiredSeconds;

  public Double getTargetSeconds() {
    return targetSeconds;
  }

  public void setTargetSeconds(Double targetSeconds) {
    this.targetSeconds = targetSeconds;
  }

  public Double getPercentile() {
    return percentile;
  }

  public void setPercentile(Double percentile) {
    this.percentile = percentile;
  }

  public Double getObservedSeconds() {
    return observedSeconds;
  }

  public void setObservedSeconds(Double observedSeconds) {
    this.observedSeconds = observedSeconds;
  }

  public Double getPredictedSeconds() {
    return predictedSeconds;
  }

  public void setPredictedSeconds(Double predictedSeconds) {
    this.predictedSeconds = predictedSeconds;
  }

  public Double getCalibrationFactor() {
    return calibrationFactor;
  }

  public void setCalibrationFactor(Double calibrationFactor) {
    this.calibrationFactor = calibrationFactor;
  }

  public Double getPredictedAtDesiredSeconds() {
    return predictedAtDesiredSeconds;
  }

  public void setPredictedAtDesiredSeconds(Double predictedAtDesiredSeconds) {
    this.predictedAtDesiredSeconds = predictedAtDesiredSeconds;
  }
}
