package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One variant as the last pass found and left it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VariantStatus {

  @JsonPropertyDescription("The variant's name, as in spec.variants.")
  private String name;

  @JsonPropertyDescription("Replicas of the variant's target as its /scale subresource reports them.")
  private Integer replicas;

  @JsonPropertyDescription("Ready replicas of the variant's target.")
  private Integer readyReplicas;

  @JsonPropertyDescription("Replicas of this variant in the mix the last decision asked for (in Recommend mode: would have asked for).")
  private Integer desiredReplicas;

  @JsonPropertyDescription("What one replica of this variant serves stably, requests per second: its engine through "
      + "the stability model on the service's token lengths.")
  private Double stableRatePerReplica;

  @JsonPropertyDescription("This variant's share of status.costPerHour: its costPerHour times desiredReplicas.")
  private Double costPerHour;

  @JsonPropertyDescription("Utilization of this variant's current replicas, with the load spread in proportion to "
      + "capacity: lambda / (sum over the variants of n * mu), the same for every variant in use; absent with no replica.")
  private Double utilization;

  @JsonPropertyDescription("Since when replicas of this variant were asked for and no more of them became ready "
      + "(RFC 3339); absent when every replica asked for is ready.")
  private String waitingSince;

  @JsonPropertyDescription("Ready replicas of this variant at waitingSince or probingSince: a replica more ready is "
      + "progress and restarts the wait, or ends the probe.")
  private Integer readyWhenWaitingBegan;

  @JsonPropertyDescription("When this variant was found stalled (RFC 3339): replicas asked for and none more ready "
      + "for twice the start-up time (a quota, no free node of its GPU, an image that does not pull). A stalled variant "
      + "is counted at its ready replicas and asked for no more until stalledUntil.")
  private String stalledSince;

  @JsonPropertyDescription("When a stalled variant may be asked for replicas again (RFC 3339).")
  private String stalledUntil;

  @JsonPropertyDescription("Since when a variant that stalled is probed (RFC 3339): asked for one replica more than it "
      + "has ready, which the mix does not count on. If it becomes ready the variant is counted again; if not within twice "
      + "the start-up time, the variant stalls again.")
  private String probingSince;

  @JsonPropertyDescription("What this variant's target reports against the replicas it is asked for, once every pod it has is ready: a "
      + "Deployment's ReplicaFailure condition (e.g. a ResourceQuota refused its pods) or ProgressDeadlineExceeded, "
      + "as reason: message. Absent when it reports neither.")
  private String targetRefusal;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getDesiredReplicas() {
    return desiredReplicas;
  }

  public void setDesiredReplicas(Integer desiredReplicas) {
    this.desiredReplicas = desiredReplicas;
  }

  public Double getStableRatePerReplica() {
    return stableRatePerReplica;
  }

  public void setStableRatePerReplica(Double stableRatePerReplica) {
    this.stableRatePerReplica = stableRatePerReplica;
  }

  public Double getCostPerHour() {
    return costPerHour;
  }

  public void setCostPerHour(Double costPerHour) {
    this.costPerHour = costPerHour;
  }

  public Double getUtilization() {
    return utilization;
  }

  public void setUtilization(Double utilization) {
    this.utilization = utilization;
  }

  public String getWaitingSince() {
    return waitingSince;
  }

  public void setWaitingSince(String waitingSince) {
    this.waitingSince = waitingSince;
  }

  public Integer getReadyWhenWaitingBegan() {
    return readyWhenWaitingBegan;
  }

  public void setReadyWhenWaitingBegan(Integer readyWhenWaitingBegan) {
    this.readyWhenWaitingBegan = readyWhenWaitingBegan;
  }

  public String getStalledSince() {
    return stalledSince;
  }

  public void setStalledSince(String stalledSince) {
    this.stalledSince = stalledSince;
  }

  public String getStalledUntil() {
    return stalledUntil;
  }

  public void setStalledUntil(String stalledUntil) {
    this.stalledUntil = stalledUntil;
  }

  public String getTargetRefusal() {
    return targetRefusal;
  }

  public void setTargetRefusal(String targetRefusal) {
    this.targetRefusal = targetRefusal;
  }

  public String getProbingSince() {
    return probingSince;
  }

  public void setProbingSince(String probingSince) {
    this.probingSince = probingSince;
  }
}
