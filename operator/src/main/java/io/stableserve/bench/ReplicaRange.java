package io.stableserve.bench;

/** The replica range every policy of the benchmark is given: {@code 1 <= min <= max}. */
public record ReplicaRange(int min, int max) {

  public ReplicaRange {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException("replica range needs 1 <= min <= max, got [" + min + ", " + max + "]");
    }
  }

  public int clamp(int replicas) {
    return Math.max(min, Math.min(max, replicas));
  }
}
