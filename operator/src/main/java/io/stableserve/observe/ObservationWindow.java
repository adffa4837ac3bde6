package io.stableserve.observe;

import java.time.Duration;
import java.util.Objects;

/**
 * The span a service is observed over, ending now.
 *
 * @param length the estimation window W: rates and histogram moments are averages over it
 * @param resolution the length of the sub-intervals the window is cut into for the standard error
 *     of the arrival rate, the burstiness, the rise and the step-time fit; at least two scrapes
 */
public record ObservationWindow(Duration length, Duration resolution) {

  public static final Duration DEFAULT_LENGTH = Duration.ofMinutes(5);
  /** The window is cut into this many sub-intervals unless a resolution is given. */
  public static final int DEFAULT_SUB_INTERVALS = 10;
  /** The recent span, over which the prompts of the arriving mix are read, is this many sub-intervals. */
  public static final int RECENT_SUB_INTERVALS = 2;

  public ObservationWindow {
    Objects.requireNonNull(length, "estimation window");
    Objects.requireNonNull(resolution, "resolution");
    if (length.toSeconds() < 1) {
      throw new IllegalArgumentException("estimation window must be at least 1 s, got " + length);
    }
    if (resolution.isNegative() || resolution.isZero()) {
      throw new IllegalArgumentException("resolution must be positive, got " + resolution);
    }
    if (resolution.compareTo(length) > 0) {
      throw new IllegalArgumentException("resolution " + resolution + " must not be longer than the window " + length);
    }
  }

  /** A window of {@code length} in {@value #DEFAULT_SUB_INTERVALS} sub-intervals (at least 1 s each). */
  public static ObservationWindow of(Duration length) {
    Objects.requireNonNull(length, "estimation window");
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("estimation window must be positive, got " + length);
    }
    Duration r = length.dividedBy(DEFAULT_SUB_INTERVALS);
    return new ObservationWindow(length, r.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : r);
  }

  public ObservationWindow withResolution(Duration newResolution) {
    return new ObservationWindow(length, newResolution);
  }

  public double seconds() {
    return length.toMillis() / 1000.0;
  }

  public double resolutionSeconds() {
    return resolution.toMillis() / 1000.0;
  }

  /** The window's last {@value #RECENT_SUB_INTERVALS} sub-intervals, at most the whole window. */
  public Duration recentSpan() {
    Duration recent = resolution.multipliedBy(RECENT_SUB_INTERVALS);
    return recent.compareTo(length) > 0 ? length : recent;
  }
}
