package io.stableserve.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a variant's replicas come when they are asked for. A variant asked for more replicas than
 * serve, of which none more has become ready for {@code stallAfter}, has stalled: a quota, no node
 * with its GPU free, an image that does not pull. A stalled variant is counted at the replicas it
 * serves and asked for no more until {@code retryAfter} has passed; then it may be asked again, and
 * stalls again if its replicas still do not come.
 *
 * <p>Progress is any replica of the variant becoming ready, so a variant that grows step by step,
 * each step serving within its start-up, never stalls however long it keeps growing.
 *
 * @param waitingSince since when replicas were asked for and no more of them became ready
 * @param readyThen the replicas ready at {@code waitingSince} (0 when not waiting)
 * @param stalledSince when the variant was found stalled
 */
public record VariantStall(Optional<Instant> waitingSince, int readyThen, Optional<Instant> stalledSince) {

  private static final VariantStall NONE = new VariantStall(Optional.empty(), 0, Optional.empty());

  public VariantStall {
    waitingSince = Objects.requireNonNullElse(waitingSince, Optional.empty());
    stalledSince = Objects.requireNonNullElse(stalledSince, Optional.empty());
    if (readyThen < 0) {
      throw new IllegalArgumentException("ready replicas must be >= 0, got " + readyThen);
    }
  }

  /** A variant whose replicas have all come. */
  public static VariantStall none() {
    return NONE;
  }

  public boolean stalled() {
    return stalledSince.isPresent();
  }

  /** When a stalled variant may be asked for replicas again. */
  public Optional<Instant> retryAt(Duration retryAfter) {
    return stalledSince.map(t -> t.plus(retryAfter));
  }

  /**
   * The stall after a pass that found the variant asked for {@code asked} replicas with {@code ready}
   * of them serving.
   *
   * @param stallAfter how long without a replica becoming ready makes a stall
   * @param retryAfter how long a stall lasts before the variant may be asked again
   */
  public VariantStall observe(int asked, int ready, Instant now, Duration stallAfter, Duration retryAfter) {
    Objects.requireNonNull(now, "now");
    if (asked < 0 || ready < 0) {
      throw new IllegalArgumentException("replica counts must be >= 0, got " + asked + " asked and " + ready + " ready");
    }
    if (stalledSince.isPresent()) {
      return now.isBefore(stalledSince.get().plus(retryAfter)) ? this : none().observe(asked, ready, now, stallAfter, retryAfter);
    }
    if (ready >= asked) {
      return NONE;
    }
    if (waitingSince.isEmpty() || ready > readyThen) {
      return new VariantStall(Optional.of(now), ready, Optional.empty());
    }
    if (!now.isBefore(waitingSince.get().plus(stallAfter))) {
      return new VariantStall(Optional.empty(), 0, Optional.of(now));
    }
    return this;
  }
}
