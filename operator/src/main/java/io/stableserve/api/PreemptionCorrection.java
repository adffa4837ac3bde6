package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How observed preemptions changed the stable rate the operator scales by. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PreemptionCorrection {

  @JsonPropertyDescription("Preemptions per second over the window, summed over replicas.")
  private Double rate;

  @JsonPropertyDescription("Whether the stable rate was corrected for them.")
  private Boolean applied;

  @JsonPropertyDescription("The model's stable rate per replica before the correction, requests per second.")
  private Double modelStableRate;

  @JsonPropertyDescription("The corrected stable rate per replica, requests per second.")
  private Double correctedStableRate;

  @JsonPropertyDescription("How the correction was made, in words.")
  private String message;

  @JsonPropertyDescription("When the applied correction was measured (RFC 3339). A correction is kept for the "
      + "scale-down stabilization window after it was last measured, so capacity is not overstated right after "
      + "a scale-up ended the thrashing.")
  private String measuredAt;

  @JsonPropertyDescription("The model's stable rate per replica, requests per second, for the workload the applied "
      + "correction was measured on. A remembered correction applies only while the model's rate stays within 15% "
      + "of it: a correction measured on one workload says nothing about another.")
  private Double measuredModelStableRate;

  public Double getMeasuredModelStableRate() {
    return measuredModelStableRate;
  }

  public void setMeasuredModelStableRate(Double measuredModelStableRate) {
    this.measuredModelStableRate = measuredModelStableRate;
  }

  public Double getRate() {
    return rate;
  }

  public void setRate(Double rate) {
    this.rate = rate;
  }

  public Boolean getApplied() {
    return applied;
  }

  public void setApplied(Boolean applied) {
    this.applied = applied;
  }

  public Double getModelStableRate() {
    return modelStableRate;
  }

  public void setModelStableRate(Double modelStableRate) {
    this.modelStableRate = modelStableRate;
  }

  public Double getCorrectedStableRate() {
    return correctedStableRate;
  }

  public void setCorrectedStableRate(Double correctedStableRate) {
    this.correctedStableRate = correctedStableRate;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getMeasuredAt() {
    return measuredAt;
  }

  public void setMeasuredAt(String measuredAt) {
    this.measuredAt = measuredAt;
  }
}
