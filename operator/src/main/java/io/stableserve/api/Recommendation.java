package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A replica count the model recommended at one time, before stabilization. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Recommendation {

  @JsonPropertyDescription("When it was recommended (RFC 3339).")
  private String time;

  @JsonPropertyDescription("Replicas recommended.")
  private Integer replicas;

  public Recommendation() {}

  public Recommendation(String time, int replicas) {
    this.time = time;
    this.replicas = replicas;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }
}
