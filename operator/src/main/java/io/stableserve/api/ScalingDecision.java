package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One decision: from how many replicas to how many, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingDecision {

  @JsonPropertyDescription("When the decision was made (RFC 3339).")
  private String time;

  @JsonPropertyDescription("Replicas before the decision.")
  private Integer from;

  @JsonPropertyDescription("Replicas decided (equal to from when holding).")
  private Integer to;

  @JsonPropertyDescription("A machine-readable reason, e.g. LoadAboveTarget, ScaleDownStabilization or MetricsUnavailable.")
  private String reason;

  @JsonPropertyDescription("The reason in words, with the figures behind it.")
  private String message;

  @JsonPropertyDescription("Whether the decision was written to /scale (false in Recommend mode or when holding).")
  private Boolean applied;

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public Integer getFrom() {
    return from;
  }

  public void setFrom(Integer from) {
    this.from = from;
  }

  public Integer getTo() {
    return to;
  }

  public void setTo(Integer to) {
    this.to = to;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Boolean getApplied() {
    return applied;
  }

  public void setApplied(Boolean applied) {
    this.applied = applied;
  }
}
