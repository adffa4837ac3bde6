package io.stableserve.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the decide step remembers for going to zero and coming back.
 *
 * @param idleSince since when nothing arrived, ran, waited or was held (the start of the first idle
 *     window of the spell); empty while the service is busy or its metrics are unavailable
 * @param wokeAt when a decision raised the count from zero, until a replica is ready
 * @param lastColdStart the last wake's measured start-up: from the wake to the first ready replica
 *     (to within a poll); the start-up a cold start costs, where it has been measured
 * @param stableRate one replica's stable rate μ̂ at the last measured decision: the capacity a wake
 *     is sized with, when no replica serves to measure it
 */
public record ZeroState(Optional<Instant> idleSince, Optional<Instant> wokeAt, Optional<Duration> lastColdStart,
    OptionalDouble stableRate) {

  private static final ZeroState EMPTY = new ZeroState(Optional.empty(), Optional.empty(), Optional.empty(), OptionalDouble.empty());

  public ZeroState {
    idleSince = Objects.requireNonNullElse(idleSince, Optional.empty());
    wokeAt = Objects.requireNonNullElse(wokeAt, Optional.empty());
    lastColdStart = Objects.requireNonNullElse(lastColdStart, Optional.<Duration>empty()).filter(d -> !d.isNegative());
    stableRate = Objects.requireNonNullElse(stableRate, OptionalDouble.empty());
    if (stableRate.isPresent() && !(stableRate.getAsDouble() > 0 && Double.isFinite(stableRate.getAsDouble()))) {
      stableRate = OptionalDouble.empty();
    }
  }

  public static ZeroState empty() {
    return EMPTY;
  }

  public ZeroState withIdleSince(Optional<Instant> since) {
    return new ZeroState(since, wokeAt, lastColdStart, stableRate);
  }

  public ZeroState withWokeAt(Optional<Instant> at) {
    return new ZeroState(idleSince, at, lastColdStart, stableRate);
  }

  ZeroState withStableRate(double rate) {
    return new ZeroState(idleSince, wokeAt, lastColdStart, OptionalDouble.of(rate));
  }

  /** A replica is ready at {@code now} after a wake: the time since the wake is the cold start. */
  ZeroState coldStartEnded(Instant now) {
    return wokeAt.map(t -> new ZeroState(idleSince, Optional.empty(), Optional.of(Duration.between(t, now)), stableRate))
        .orElse(this);
  }
}
