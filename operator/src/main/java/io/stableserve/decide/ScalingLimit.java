package io.stableserve.decide;

/** What, if anything, stopped the replica count from reaching the stabilised recommendation. */
public enum ScalingLimit {
  NONE("NotLimited"),
  /** The recommendation was below {@code replicas.min}. */
  MIN("TooFewReplicas"),
  /** The recommendation was above {@code replicas.max}. */
  MAX("TooManyReplicas"),
  /** A scale-up step limit cut the increase. */
  SCALE_UP_STEP("ScaleUpLimit"),
  /** A scale-down step limit cut the decrease. */
  SCALE_DOWN_STEP("ScaleDownLimit");

  private final String machineName;

  ScalingLimit(String machineName) {
    this.machineName = machineName;
  }

  public String machineName() {
    return machineName;
  }
}
