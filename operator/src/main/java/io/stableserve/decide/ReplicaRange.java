package io.stableserve.decide;

/** The replica range the user allows: {@code 0 <= min <= max}, {@code max >= 1}; min 0 only with {@link ScaleToZero}. */
public record ReplicaRange(int min, int max) {

  public ReplicaRange {
    if (min < 0) {
      throw new IllegalArgumentException("minimum replicas must be at least 0, got " + min);
    }
    if (max < 1) {
      throw new IllegalArgumentException("maximum replicas must be at least 1, got " + max);
    }
    if (max < min) {
      throw new IllegalArgumentException("maximum replicas (" + max + ") must be >= minimum replicas (" + min + ")");
    }
  }

  public int clamp(int replicas) {
    return Math.max(min, Math.min(max, replicas));
  }
}
