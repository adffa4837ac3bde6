package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator keeps for going to zero and coming back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleToZeroStatus {

  @JsonPropertyDescription("Since when the service has been idle (RFC 3339); absent while it is busy.")
  private String idleSince;

  @JsonPropertyDescription("When the operator raised the count from zero (RFC 3339), until a replica is ready.")
  private String wokeAt;


  @JsonPropertyDescription("One replica's stable rate (req/s) at the last decision with metrics: the capacity a wake "
      + "from zero is sized with.")
  private Double stableRatePerReplica;

  public String getIdleSince() {
    return idleSince;
  }

  public void setIdleSince(String idleSince) {
    this.idleSince = idleSince;
  }

  public String getWokeAt() {
    return wokeAt;
  }

  public void setWokeAt(String wokeAt) {
    this.wokeAt = wokeAt;
  }


  public Double getStableRatePerReplica() {
    return stableRatePerReplica;
  }

  public void setStableRatePerReplica(Double stableRatePerReplica) {
    this.stableRatePerReplica = stableRatePerReplica;
  }
}
