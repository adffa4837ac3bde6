package io.stableserve.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a variant's replicas come when they are asked for. A variant asked for more replicas than
 * serve, of which none more has become ready for {@code stallAfter}, has stalled: a quota, no node
 * with its GPU free, an image that does not pull. A stalled variant is counted at the replicas it
 * serves and asked for no more until {@code retryAfter} has passed. Then it is probed: asked for one
 * replica more than serve, which the mix does not count on. If that replica comes, the variant is
 * counted again as any other; if none comes within {@code stallAfter}, it stalls again.
 *
 * <p>Progress is any replica of the variant becoming ready, so a variant that grows step by step,
 * each step serving within its start-up, never stalls however long it keeps growing. Where the
 * variant's target says its replicas are refused (a Deployment whose pods a quota forbids), it
 * stalls at once.
 *
 * @param waitingSince since when replicas were asked for and no more of them became ready
 * @param readyThen the replicas ready at {@code waitingSince} or {@code probingSince} (0 otherwise)
 * @param stalledSince when the variant was found stalled
 * @param probingSince when the stalled variant was asked for one replica more, to see whether it comes
 */
public record VariantStall(Optional<Instant> waitingSince, int readyThen, Optional<Instant> stalledSince,
    Optional<Instant> probingSince) {

  private static final VariantStall NONE = new VariantStall(Optional.empty(), 0, Optional.empty(), Optional.empty());

  public VariantStall {
    waitingSince = Objects.requireNonNullElse(waitingSince, Optional.empty());
    stalledSince = Objects.requireNonNullElse(stalledSince, Optional.empty());
    probingSince = Objects.requireNonNullElse(probingSince, Optional.empty());
    if (readyThen < 0) {
      throw new IllegalArgumentException("ready replicas must be >= 0, got " + readyThen);
    }
  }

  public VariantStall(Optional<Instant> waitingSince, int readyThen, Optional<Instant> stalledSince) {
    this(waitingSince, readyThen, stalledSince, Optional.empty());
  }

  /** A variant whose replicas have all come. */
  public static VariantStall none() {
    return NONE;
  }

  public boolean stalled() {
    return stalledSince.isPresent();
  }

  public boolean probing() {
    return probingSince.isPresent();
  }

  /** When a stalled variant is probed. */
  public Optional<Instant> retryAt(Duration retryAfter) {
    return stalledSince.map(t -> t.plus(retryAfter));
  }

  /**
   * The stall after a pass that found the variant asked for {@code asked} replicas with {@code ready}
   * of them serving.
   *
   * @param stallAfter how long without a replica becoming ready makes a stall
   * @param retryAfter how long a stall lasts before the variant is probed
   * @param refused whether the variant's target reports the replicas asked for refused (a quota
   *     forbade them): a variant short of replicas so refused stalls at once, probed or not, without
   *     waiting {@code stallAfter}
   */
  public VariantStall observe(int asked, int ready, Instant now, Duration stallAfter, Duration retryAfter, boolean refused) {
    Objects.requireNonNull(now, "now");
    if (asked < 0 || ready < 0) {
      throw new IllegalArgumentException("replica counts must be >= 0, got " + asked + " asked and " + ready + " ready");
    }
    if (stalledSince.isPresent()) {
      return now.isBefore(stalledSince.get().plus(retryAfter)) ? this
          : new VariantStall(Optional.empty(), ready, Optional.empty(), Optional.of(now));
    }
    if (probingSince.isPresent()) {
      if (ready > readyThen) {
        return NONE;
      }
      return now.isBefore(probingSince.get().plus(stallAfter)) && !(refused && ready < asked) ? this
          : new VariantStall(Optional.empty(), 0, Optional.of(now), Optional.empty());
    }
    if (ready >= asked) {
      return NONE;
    }
    if (refused) {
      return new VariantStall(Optional.empty(), 0, Optional.of(now), Optional.empty());
    }
    if (waitingSince.isEmpty() || ready > readyThen) {
      return new VariantStall(Optional.of(now), ready, Optional.empty(), Optional.empty());
    }
    if (!now.isBefore(waitingSince.get().plus(stallAfter))) {
      return new VariantStall(Optional.empty(), 0, Optional.of(now), Optional.empty());
    }
    return this;
  }
}
