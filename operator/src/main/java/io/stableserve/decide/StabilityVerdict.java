package io.stableserve.decide;

/**
 * Where the arrival rate lies against the ready replicas' stable region (the model's bounds times
 * the ready replicas).
 */
public enum StabilityVerdict {
  /** λ̂ below the stability bound: the queue stays bounded. */
  STABLE("BelowStabilityBound"),
  /** λ̂ between the stability and instability bounds: the model proves neither. */
  MARGINAL("BetweenBounds"),
  /** λ̂ at or above the instability bound: the queue grows without bound. */
  UNSTABLE("AboveInstabilityBound"),
  /** No measurement to judge by. */
  UNKNOWN("MetricsUnavailable");

  private final String machineName;

  StabilityVerdict(String machineName) {
    this.machineName = machineName;
  }

  public String machineName() {
    return machineName;
  }
}
