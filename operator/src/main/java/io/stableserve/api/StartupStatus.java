package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The replicas' start-up time the decisions use, measured from the target where it has been. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StartupStatus {

  /** {@link #getSource()} when the start-up time was measured from the target. */
  public static final String MEASURED = "Measured";
  /** {@link #getSource()} while nothing has been measured: spec.behavior.replicaStartupTime. */
  public static final String SPEC = "Spec";

  @JsonPropertyDescription("The start-up time the last decision used, seconds: the measured one, else "
      + "spec.behavior.replicaStartupTime.")
  private Double seconds;

  @JsonPropertyDescription("Measured (from the target) or Spec (spec.behavior.replicaStartupTime).")
  private String source;

  @JsonPropertyDescription("The latest measurement, seconds: from a scale-up written to the pass that found as many "
      + "replicas ready as it asked for (up to one poll interval long).")
  private Double measuredSeconds;

  @JsonPropertyDescription("When it was measured (RFC 3339).")
  private String measuredAt;

  @JsonPropertyDescription("The scale-up being timed: when it was written (RFC 3339).")
  private String timingSince;

  @JsonPropertyDescription("The scale-up being timed: the replicas it asked for.")
  private Integer timingReplicas;

  public Double getSeconds() {
    return seconds;
  }

  public void setSeconds(Double seconds) {
    this.seconds = seconds;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public Double getMeasuredSeconds() {
    return measuredSeconds;
  }

  public void setMeasuredSeconds(Double measuredSeconds) {
    this.measuredSeconds = measuredSeconds;
  }

  public String getMeasuredAt() {
    return measuredAt;
  }

  public void setMeasuredAt(String measuredAt) {
    this.measuredAt = measuredAt;
  }

  public String getTimingSince() {
    return timingSince;
  }

  public void setTimingSince(String timingSince) {
    this.timingSince = timingSince;
  }

  public Integer getTimingReplicas() {
    return timingReplicas;
  }

  public void setTimingReplicas(Integer timingReplicas) {
    this.timingReplicas = timingReplicas;
  }
}
