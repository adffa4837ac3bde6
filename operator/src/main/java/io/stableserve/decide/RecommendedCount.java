package io.stableserve.decide;

import java.time.Instant;
import java.util.Objects;

/**
 * The replicas the model recommended at one instant, before stabilisation and limits.
 *
 * @param replicas the whole recommendation
 * @param forArrivals the part of it the arrivals asked for, without the replicas added to drain a
 *     backlog: what the scale-down window holds once no backlog is left
 */
public record RecommendedCount(Instant time, int replicas, int forArrivals) {
  public RecommendedCount {
    Objects.requireNonNull(time, "recommendation time");
    if (replicas < 0) {
      throw new IllegalArgumentException("recommended replicas must be >= 0, got " + replicas);
    }
    if (forArrivals < 0 || forArrivals > replicas) {
      throw new IllegalArgumentException("replicas for the arrivals must be between 0 and the " + replicas + " recommended, got "
          + forArrivals);
    }
  }

  /** A recommendation with no backlog to drain in it. */
  public RecommendedCount(Instant time, int replicas) {
    this(time, replicas, replicas);
  }
}
