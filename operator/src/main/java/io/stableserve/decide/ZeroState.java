package io.stableserve.decide;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the decide step remembers for going to zero and coming back.
 *
 * @param idleSince since when nothing arrived, ran, waited or was held (the start of the first idle
 *     window of the spell); empty while the service is busy or its metrics are unavailable
 * @param wokeAt when a decision raised the count from zero, until a replica is ready: the start-up
 *     still ahead of the held requests counts from it
 * @param stableRate one replica's stable rate μ̂ at the last measured decision: the capacity a wake
 *     is sized with, when no replica serves to measure it
 */
public record ZeroState(Optional<Instant> idleSince, Optional<Instant> wokeAt, OptionalDouble stableRate) {

  private static final ZeroState EMPTY = new ZeroState(Optional.empty(), Optional.empty(), OptionalDouble.empty());

  public ZeroState {
    idleSince = Objects.requireNonNullElse(idleSince, Optional.empty());
    wokeAt = Objects.requireNonNullElse(wokeAt, Optional.empty());
    stableRate = Objects.requireNonNullElse(stableRate, OptionalDouble.empty());
    if (stableRate.isPresent() && !(stableRate.getAsDouble() > 0 && Double.isFinite(stableRate.getAsDouble()))) {
      stableRate = OptionalDouble.empty();
    }
  }

  public static ZeroState empty() {
    return EMPTY;
  }

  public ZeroState withIdleSince(Optional<Instant> since) {
    return new ZeroState(since, wokeAt, stableRate);
  }

  public ZeroState withWokeAt(Optional<Instant> at) {
    return new ZeroState(idleSince, at, stableRate);
  }

  ZeroState withStableRate(double rate) {
    return new ZeroState(idleSince, wokeAt, OptionalDouble.of(rate));
  }

}
