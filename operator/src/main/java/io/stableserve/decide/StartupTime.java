package io.stableserve.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A replica's start-up time as the target shows it: from a scale-up written to the pass that first
 * finds as many replicas ready as it asked for. The latest measurement stands in for
 * {@code behavior.replicaStartupTime} wherever the decision reads the start-up time (the forecast's
 * horizon, the backlog that builds before new replicas serve, which replicas count as starting, the
 * price of a mix change). The replicas became ready at some time between the pass that finds them
 * ready and the one before, so the measurement is the time to that pass less half a period.
 *
 * @param measured the latest measurement, within [{@link #MIN}, {@link #MAX}]
 * @param measuredAt when it was measured
 * @param pending the scale-up being timed: when it was written and the replicas it asked for
 */
public record StartupTime(Optional<Duration> measured, Optional<Instant> measuredAt, Optional<PendingScaleUp> pending) {

  /** The shortest start-up the measurement reports: the spec's own lower bound. */
  public static final Duration MIN = Duration.ofSeconds(1);
  /** The longest: a scale-up not ready by then is not timed (the spec's upper bound). */
  public static final Duration MAX = Duration.ofHours(1);

  private static final StartupTime NONE = new StartupTime(Optional.empty(), Optional.empty(), Optional.empty());

  /** A scale-up written at {@code since} for {@code replicas}, not yet all ready. */
  public record PendingScaleUp(Instant since, int replicas) {
    public PendingScaleUp {
      Objects.requireNonNull(since, "since");
      if (replicas < 1) {
        throw new IllegalArgumentException("a scale-up asks for at least 1 replica, got " + replicas);
      }
    }
  }

  public StartupTime {
    measured = Objects.requireNonNullElse(measured, Optional.empty());
    measuredAt = Objects.requireNonNullElse(measuredAt, Optional.empty());
    pending = Objects.requireNonNullElse(pending, Optional.empty());
    measured = measured.filter(d -> d.compareTo(MIN) >= 0 && d.compareTo(MAX) <= 0);
  }

  /** Nothing measured and nothing being timed. */
  public static StartupTime none() {
    return NONE;
  }

  /**
   * After a pass that found {@code ready} of {@code asked} replicas at {@code now}: the scale-up being
   * timed is measured once its replicas are all ready, dropped once fewer are asked for than it
   * asked (a scale-down came first) or once it has waited past {@link #MAX}.
   *
   * @param period the time between passes
   */
  public StartupTime observe(int ready, int asked, Instant now, Duration period) {
    if (pending.isEmpty()) {
      return this;
    }
    PendingScaleUp p = pending.get();
    Duration waited = Duration.between(p.since(), now);
    if (ready >= p.replicas()) {
      Duration midway = waited.minus(period.dividedBy(2));
      Duration clamped = midway.compareTo(MIN) < 0 ? MIN : midway;
      return clamped.compareTo(MAX) > 0 ? new StartupTime(measured, measuredAt, Optional.empty())
          : new StartupTime(Optional.of(clamped), Optional.of(now), Optional.empty());
    }
    if (asked < p.replicas() || waited.compareTo(MAX) > 0) {
      return new StartupTime(measured, measuredAt, Optional.empty());
    }
    return this;
  }

  /** A scale-up to {@code replicas} written at {@code now}: it is timed from now, replacing one still timed. */
  public StartupTime scaledUp(Instant now, int replicas) {
    return new StartupTime(measured, measuredAt, Optional.of(new PendingScaleUp(now, replicas)));
  }

  /** The start-up time to decide with: the latest measurement, else {@code given} (the spec's). */
  public Duration effective(Duration given) {
    return measured.orElse(given);
  }
}
