package io.stableserve.decide;

/** The replica range the user allows: {@code 1 <= min <= max}. */
public record ReplicaBounds(int min, int max) {

  public ReplicaBounds {
    if (min < 1) {
      throw new IllegalArgumentException("minimum replicas must be at least 1 (the arrival rate is read from the replicas' own metrics), got " + min);
    }
    if (max < min) {
      throw new IllegalArgumentException("maximum replicas (" + max + ") must be >= minimum replicas (" + min + ")");
    }
  }
}
