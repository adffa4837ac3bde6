package io.stableserve.estimate;

import io.stableserve.solve.StepTimeModel;
import java.util.OptionalDouble;

/**
 * The engine's step time as observed, and the model b = c₀ + c₁·n + c₂·m fitted to it.
 *
 * @param model the step-time model for the solver: fitted coefficients, or a constant b̄
 * @param method how it was obtained
 * @param meanStepSeconds the mean step time observed over the window (at the current load, which
 *     is usually below saturation: a constant b̄ read at light load overestimates capacity)
 * @param samples the sub-intervals used
 * @param rSquared the fit's coefficient of determination, for {@link Method#FITTED}
 * @param note in words: why this method, what was missing or did not vary
 */
public record StepTimeEstimate(
    StepTimeModel model,
    Method method,
    double meanStepSeconds,
    int samples,
    OptionalDouble rSquared,
    String note) {

  public enum Method {
    /** c₀, c₁ (and c₂ when KV usage and M are known) by least squares over the sub-intervals. */
    FITTED,
    /** A constant b̄: the mean inter-token latency (decode step time) over the window. */
    MEAN_INTER_TOKEN_LATENCY,
    /**
     * A constant b̄ = replicas / (steps per second): exact when the engines are never idle, an
     * overestimate of the step time (so an underestimate of capacity) otherwise.
     */
    MEAN_FROM_STEP_RATE
  }

  public StepTimeEstimate {
    if (model == null || method == null) {
      throw new IllegalArgumentException("a step-time estimate needs its model and method");
    }
    if (!(meanStepSeconds > 0) || Double.isInfinite(meanStepSeconds)) {
      throw new IllegalArgumentException("mean step time must be a positive number of seconds, got " + meanStepSeconds);
    }
    rSquared = rSquared == null ? OptionalDouble.empty() : rSquared;
    note = note == null ? "" : note;
  }
}
