package io.stableserve.decide;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast the replica count may follow the model.
 *
 * @param scaleUpWindow a scale-up takes the smallest recommendation of this window (0: at once)
 * @param scaleDownWindow a scale-down takes the largest recommendation of this window
 * @param scaleUpLimit the most replicas one action may add
 * @param scaleDownLimit the most replicas one action may remove
 * @param startupTime how long a new replica takes to become ready; replicas not ready within this
 *     time of the last scale-up count as capacity that is coming, older ones as not becoming ready
 * @param downscaleConfidence z of the scale-down margin: fewer replicas only when they would hold
 *     λ̂ + z·σ at the target utilisation (2 ≈ 97.7% one-sided for a normal error)
 */
public record Behavior(
    Duration scaleUpWindow,
    Duration scaleDownWindow,
    StepLimit scaleUpLimit,
    StepLimit scaleDownLimit,
    Duration startupTime,
    double downscaleConfidence) {

  public static final Duration DEFAULT_SCALE_DOWN_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_STARTUP_TIME = Duration.ofMinutes(2);
  public static final double DEFAULT_DOWNSCALE_CONFIDENCE = 2.0;

  public Behavior {
    scaleUpWindow = nonNegative("scale-up stabilisation window", scaleUpWindow);
    scaleDownWindow = nonNegative("scale-down stabilisation window", scaleDownWindow);
    startupTime = nonNegative("replica start-up time", startupTime);
    Objects.requireNonNull(scaleUpLimit, "scale-up step limit");
    Objects.requireNonNull(scaleDownLimit, "scale-down step limit");
    if (!(downscaleConfidence >= 0) || Double.isInfinite(downscaleConfidence)) {
      throw new IllegalArgumentException("scale-down confidence z must be a finite number >= 0, got " + downscaleConfidence);
    }
  }

  /** Scale up at once, scale down after 5 minutes, no step limits, replicas start in 2 minutes, z = 2. */
  public static Behavior defaults() {
    return new Behavior(Duration.ZERO, DEFAULT_SCALE_DOWN_WINDOW, StepLimit.none(), StepLimit.none(),
        DEFAULT_STARTUP_TIME, DEFAULT_DOWNSCALE_CONFIDENCE);
  }

  public Behavior withScaleUpWindow(Duration window) {
    return new Behavior(window, scaleDownWindow, scaleUpLimit, scaleDownLimit, startupTime, downscaleConfidence);
  }

  public Behavior withScaleDownWindow(Duration window) {
    return new Behavior(scaleUpWindow, window, scaleUpLimit, scaleDownLimit, startupTime, downscaleConfidence);
  }

  public Behavior withScaleUpLimit(StepLimit limit) {
    return new Behavior(scaleUpWindow, scaleDownWindow, limit, scaleDownLimit, startupTime, downscaleConfidence);
  }

  public Behavior withScaleDownLimit(StepLimit limit) {
    return new Behavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, limit, startupTime, downscaleConfidence);
  }

  public Behavior withStartupTime(Duration time) {
    return new Behavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, scaleDownLimit, time, downscaleConfidence);
  }

  public Behavior withDownscaleConfidence(double z) {
    return new Behavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, scaleDownLimit, startupTime, z);
  }

  /** The longest window: recommendations older than this are of no further use. */
  public Duration retention() {
    return scaleUpWindow.compareTo(scaleDownWindow) >= 0 ? scaleUpWindow : scaleDownWindow;
  }

  private static Duration nonNegative(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, got " + d);
    }
    return d;
  }
}
