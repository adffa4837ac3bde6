package io.stableserve.decide;

/** The replica range the user allows: {@code 1 <= min <= max}. */
public record ReplicaRange(int min, int max) {

  public ReplicaRange {
    if (min < 1) {
      throw new IllegalArgumentException("minimum replicas must be at least 1 (the arrival rate is read from the replicas' own metrics), got " + min);
    }
    if (max < min) {
      throw new IllegalArgumentException("maximum replicas (" + max + ") must be >= minimum replicas (" + min + ")");
    }
  }

  public int clamp(int replicas) {
    return Math.max(min, Math.min(max, replicas));
  }
}
