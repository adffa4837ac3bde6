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

  @JsonPropertyDescription("Of those, the replicas the arrivals asked for, without those added to drain a backlog: what the "
      + "scale-down window holds once no backlog waits. Omitted when the same as replicas.")
  private Integer forArrivals;

  public Recommendation() {}

  public Recommendation(String time, int replicas) {
    this(time, replicas, replicas);
  }

  public Recommendation(String time, int replicas, int forArrivals) {
    this.time = time;
    this.replicas = replicas;
    this.forArrivals = forArrivals == replicas ? null : forArrivals;
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

  public Integer getForArrivals() {
    return forArrivals;
  }

  public void setForArrivals(Integer forArrivals) {
    this.forArrivals = forArrivals;
  }
}
