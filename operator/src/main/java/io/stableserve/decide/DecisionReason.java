package io.stableserve.decide;

/** Why the decide step chose its replica count; {@link #machineName()} is the CamelCase reason for events and conditions. */
public enum DecisionReason {
  /** The load needs more replicas than there are. */
  LOAD_ABOVE_TARGET("LoadAboveTarget"),
  /** Fewer replicas hold the load's upper confidence bound at the target utilisation. */
  LOAD_BELOW_TARGET("LoadBelowTarget"),
  /** The replicas there are are the replicas the load needs. */
  AT_TARGET("AtTarget"),
  /** Fewer replicas would hold λ̂, but not λ̂ plus its margin: hold (model-derived hysteresis). */
  WITHIN_MARGIN("WithinMargin"),
  /** A higher recommendation inside the scale-down window holds the count up. */
  SCALE_DOWN_STABILIZATION("ScaleDownStabilization"),
  /** A lower recommendation inside the scale-up window holds the count down. */
  SCALE_UP_STABILIZATION("ScaleUpStabilization"),
  /**
   * The load needs more replicas, but λ̂'s confidence band spans more than one count: hold for at
   * most the settle time while the count becomes clear, so the scale-up is one step.
   */
  SCALE_UP_SETTLING("ScaleUpSettling"),
  /** Nothing arrived and nothing is in the system over the window: one replica (or the minimum). */
  IDLE("Idle"),
  /** Idle for the idle rule's time ({@link ScaleToZero}): no replica. */
  SCALED_TO_ZERO("ScaledToZero"),
  /** At zero and the gateway holds nothing and receives nothing: stay at zero. */
  IDLE_AT_ZERO("IdleAtZero"),
  /** At zero and the gateway holds requests (or receives them): replicas to drain them and serve the arrivals. */
  WOKE_ON_HELD_REQUESTS("WokeOnHeldRequests"),
  /** No usable metrics: hold the current count, never scale down (at zero: wake one replica). */
  METRICS_UNAVAILABLE("MetricsUnavailable");

  private final String machineName;

  DecisionReason(String machineName) {
    this.machineName = machineName;
  }

  public String machineName() {
    return machineName;
  }
}
