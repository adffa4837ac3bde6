package io.stableserve.decide;

import java.time.Instant;
import java.util.Objects;

/** The replicas the model recommended at one instant, before stabilisation and limits. */
public record RecommendedCount(Instant time, int replicas) {
  public RecommendedCount {
    Objects.requireNonNull(time, "recommendation time");
    if (replicas < 0) {
      throw new IllegalArgumentException("recommended replicas must be >= 0, got " + replicas);
    }
  }
}
