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
 * @param confidence z of the margins drawn from λ̂'s standard error σ: fewer replicas only when they
 *     would hold λ̂ + z·σ at the target utilisation, and a scale-up settles while λ̂ ± z·σ spans
 *     more than one count (2 ≈ 97.7% one-sided for a normal error)
 * @param scaleUpSettleTime the longest a scale-up waits, from when the load first asks for it, for
 *     λ̂ ± z·σ to need one count only; then it takes the count of λ̂ (0: never wait)
 * @param period how often the service is evaluated; a scale-up decided now is asked for within a
 *     period and serves a start-up later, so a forecast looks a start-up and a period ahead
 */
public record ScalingBehavior(
    Duration scaleUpWindow,
    Duration scaleDownWindow,
    StepLimit scaleUpLimit,
    StepLimit scaleDownLimit,
    Duration startupTime,
    double confidence,
    Duration scaleUpSettleTime,
    Duration period) {

  public ScalingBehavior(Duration scaleUpWindow, Duration scaleDownWindow, StepLimit scaleUpLimit, StepLimit scaleDownLimit,
      Duration startupTime, double confidence, Duration scaleUpSettleTime) {
    this(scaleUpWindow, scaleDownWindow, scaleUpLimit, scaleDownLimit, startupTime, confidence, scaleUpSettleTime, Duration.ZERO);
  }

  public static final double DEFAULT_CONFIDENCE = 2.0;

  public ScalingBehavior {
    scaleUpWindow = nonNegative("scale-up stabilisation window", scaleUpWindow);
    scaleDownWindow = nonNegative("scale-down stabilisation window", scaleDownWindow);
    startupTime = nonNegative("replica start-up time", startupTime);
    scaleUpSettleTime = nonNegative("scale-up settle time", scaleUpSettleTime);
    period = nonNegative("evaluation period", period);
    Objects.requireNonNull(scaleUpLimit, "scale-up step limit");
    Objects.requireNonNull(scaleDownLimit, "scale-down step limit");
    if (!(confidence >= 0) || Double.isInfinite(confidence)) {
      throw new IllegalArgumentException("confidence z must be a finite number >= 0, got " + confidence);
    }
  }

  public ScalingBehavior withScaleUpWindow(Duration window) {
    return new ScalingBehavior(window, scaleDownWindow, scaleUpLimit, scaleDownLimit, startupTime, confidence, scaleUpSettleTime, period);
  }

  public ScalingBehavior withScaleDownWindow(Duration window) {
    return new ScalingBehavior(scaleUpWindow, window, scaleUpLimit, scaleDownLimit, startupTime, confidence, scaleUpSettleTime, period);
  }

  public ScalingBehavior withScaleUpLimit(StepLimit limit) {
    return new ScalingBehavior(scaleUpWindow, scaleDownWindow, limit, scaleDownLimit, startupTime, confidence, scaleUpSettleTime, period);
  }

  public ScalingBehavior withScaleDownLimit(StepLimit limit) {
    return new ScalingBehavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, limit, startupTime, confidence, scaleUpSettleTime, period);
  }

  public ScalingBehavior withStartupTime(Duration time) {
    return new ScalingBehavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, scaleDownLimit, time, confidence, scaleUpSettleTime, period);
  }

  public ScalingBehavior withConfidence(double z) {
    return new ScalingBehavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, scaleDownLimit, startupTime, z, scaleUpSettleTime, period);
  }

  public ScalingBehavior withScaleUpSettleTime(Duration settle) {
    return new ScalingBehavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, scaleDownLimit, startupTime, confidence, settle, period);
  }

  public ScalingBehavior withPeriod(Duration newPeriod) {
    return new ScalingBehavior(scaleUpWindow, scaleDownWindow, scaleUpLimit, scaleDownLimit, startupTime, confidence, scaleUpSettleTime,
        newPeriod);
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
