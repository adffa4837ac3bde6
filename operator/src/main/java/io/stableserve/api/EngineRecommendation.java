package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An engine setting that would widen the stable region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EngineRecommendation {

  @JsonPropertyDescription("Why there is no new advice: it waits for a full window whose prompt and output means are "
      + "known within 10%, since advice from a few requests wanders. The last advice, if any, stays.")
  private String waitingFor;

  @JsonPropertyDescription("The vLLM setting, e.g. max_num_seqs or max_num_batched_tokens.")
  private String setting;

  @JsonPropertyDescription("The recommended value.")
  private Long value;

  @JsonPropertyDescription("The value now, where known.")
  private Long currentValue;

  @JsonPropertyDescription("Stable rate per replica now, requests per second.")
  private Double currentStableRate;

  @JsonPropertyDescription("Predicted stable rate per replica with the recommended value, requests per second.")
  private Double recommendedStableRate;

  @JsonPropertyDescription("Relative gain, recommendedStableRate / currentStableRate - 1 (0.2 is 20% more capacity).")
  private Double gain;

  public String getSetting() {
    return setting;
  }

  public void setSetting(String setting) {
    this.setting = setting;
  }

  public Long getValue() {
    return value;
  }

  public void setValue(Long value) {
    this.value = value;
  }

  public Long getCurrentValue() {
    return currentValue;
  }

  public void setCurrentValue(Long currentValue) {
    this.currentValue = currentValue;
  }

  public Double getCurrentStableRate() {
    return currentStableRate;
  }

  public void setCurrentStableRate(Double currentStableRate) {
    this.currentStableRate = currentStableRate;
  }

  public Double getRecommendedStableRate() {
    return recommendedStableRate;
  }

  public void setRecommendedStableRate(Double recommendedStableRate) {
    this.recommendedStableRate = recommendedStableRate;
  }

  public Double getGain() {
    return gain;
  }

  public void setGain(Double gain) {
    this.gain = gain;
  }

  public String getWaitingFor() {
    return waitingFor;
  }

  public void setWaitingFor(String waitingFor) {
    this.waitingFor = waitingFor;
  }
}
