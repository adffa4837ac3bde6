package io.stableserve.sim.arrivals;

import io.stableserve.workload.Workload;

/**
 * A span of Poisson arrivals: the rate goes linearly from {@code startRate} to {@code endRate}
 * (equal for a constant rate) over {@code durationSeconds}, with lengths drawn from
 * {@code workload}. A sequence of phases models steps, ramps and shifts of the workload.
 */
public record Phase(double durationSeconds, double startRate, double endRate, Workload workload) {

  public Phase {
    if (!(durationSeconds > 0)) {
      throw new IllegalArgumentException("a phase must last a positive number of seconds, got " + durationSeconds);
    }
    if (!(startRate >= 0) || !(endRate >= 0) || Double.isInfinite(startRate) || Double.isInfinite(endRate)) {
      throw new IllegalArgumentException("phase rates must be finite and >= 0 req/s, got " + startRate + " and "
          + endRate);
    }
    if (workload == null) {
      throw new IllegalArgumentException("a phase needs a workload to draw request lengths from");
    }
  }

  public static Phase constant(double durationSeconds, double rate, Workload workload) {
    return new Phase(durationSeconds, rate, rate, workload);
  }

  public double rateAt(double offsetSeconds) {
    return startRate + (endRate - startRate) * (offsetSeconds / durationSeconds);
  }

  public double meanRate() {
    return (startRate + endRate) / 2;
  }
}
