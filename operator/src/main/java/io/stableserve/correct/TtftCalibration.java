package io.stableserve.correct;

import java.util.OptionalDouble;

/**
 * The TTFT approximation checked against what vLLM measured. Over the window, the replicas that
 * served gave a TTFT percentile (vLLM's {@code time_to_first_token_seconds} histogram); the
 * approximation predicts one for the same replicas and load. The ratio of their waits (TTFT less
 * the prefill) is the burst factor k that the arrivals' measured burstiness missed: bursts shorter
 * than the window's sub-intervals, a router that does not spread them. It is smoothed
 * geometrically over passes, one window moves it by at most a factor of {@value #MAX_STEP}, and it
 * is kept within [{@value #MIN_FACTOR}, {@value #MAX_FACTOR}].
 *
 * @param factor k, applied to the predicted wait
 * @param observedSeconds the measured TTFT percentile over the window, when enough requests got a first token
 * @param predictedSeconds the approximation's TTFT percentile for the replicas that served, with k = 1
 * @param updated whether this window's measurement moved the factor
 */
public record TtftCalibration(double factor, OptionalDouble observedSeconds, OptionalDouble predictedSeconds, boolean updated) {

  public static final double MIN_FACTOR = 0.05;
  public static final double MAX_FACTOR = 10;
  /** Weight of a new window's ratio in the geometric mean with the factor remembered. */
  public static final double WEIGHT = 0.5;
  /** The most one window's ratio may move the factor, up or down. */
  public static final double MAX_STEP = 2;
  /** A predicted or measured wait shorter than this carries no ratio. */
  public static final double MIN_WAIT_SECONDS = 0.05;

  public TtftCalibration {
    if (!(factor >= MIN_FACTOR && factor <= MAX_FACTOR)) {
      throw new IllegalArgumentException("TTFT calibration factor must be within [" + MIN_FACTOR + ", " + MAX_FACTOR + "], got " + factor);
    }
  }

  /** The remembered factor, with nothing measured this window (replicas were starting). */
  public static TtftCalibration kept(double remembered) {
    return new TtftCalibration(Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, remembered)), OptionalDouble.empty(), OptionalDouble.empty(), false);
  }

  /** No measurement yet. */
  public static TtftCalibration none() {
    return new TtftCalibration(1, OptionalDouble.empty(), OptionalDouble.empty(), false);
  }

  /**
   * The factor after a window: the remembered one moved towards observed wait / predicted wait
   * when both waits are long enough to compare, else kept.
   *
   * @param remembered k before this window
   * @param observed the measured TTFT percentile, if any
   * @param predicted the predicted TTFT percentile with k = 1
   * @param prefillSeconds the prefill part of both
   */
  public static TtftCalibration update(double remembered, OptionalDouble observed, double predicted, double prefillSeconds) {
    double kept = Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, remembered));
    OptionalDouble predictedTtft = Double.isFinite(predicted) ? OptionalDouble.of(predicted) : OptionalDouble.empty();
    if (observed.isEmpty() || !Double.isFinite(predicted)) {
      return new TtftCalibration(kept, observed, predictedTtft, false);
    }
    double observedWait = observed.getAsDouble() - prefillSeconds;
    double predictedWait = predicted - prefillSeconds;
    if (observedWait < MIN_WAIT_SECONDS || predictedWait < MIN_WAIT_SECONDS) {
      return new TtftCalibration(kept, observed, predictedTtft, false);
    }
    double ratio = observedWait / predictedWait;
    double next = Math.exp((1 - WEIGHT) * Math.log(kept) + WEIGHT * Math.log(ratio));
    next = Math.max(kept / MAX_STEP, Math.min(kept * MAX_STEP, next));
    return new TtftCalibration(Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, next)), observed, predictedTtft, true);
  }
}
