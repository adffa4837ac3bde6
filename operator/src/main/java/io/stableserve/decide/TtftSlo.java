package io.stableserve.decide;

import io.stableserve.settings.Defaults;

/**
 * A time-to-first-token objective: the {@code percentile} of TTFT at most {@code targetSeconds}.
 *
 * @param targetSeconds the TTFT the percentile must stay under, seconds
 * @param percentile e.g. 0.99, strictly between 0 and 1
 * @param drainSeconds a backlog (more queued than is served within the target) drains within this
 *     time of the replicas asked for serving
 */
public record TtftSlo(double targetSeconds, double percentile, double drainSeconds) {

  /** With the default drain time. */
  public TtftSlo(double targetSeconds, double percentile) {
    this(targetSeconds, percentile, Defaults.ttftDrainTime().toMillis() / 1000.0);
  }

  public TtftSlo {
    if (!(targetSeconds > 0) || Double.isInfinite(targetSeconds)) {
      throw new IllegalArgumentException("TTFT target must be a positive number of seconds, got " + targetSeconds);
    }
    if (!(percentile > 0 && percentile < 1)) {
      throw new IllegalArgumentException("TTFT percentile must be strictly between 0 and 1, e.g. 0.99, got " + percentile);
    }
    if (!(drainSeconds > 0) || Double.isInfinite(drainSeconds)) {
      throw new IllegalArgumentException("backlog drain time must be a positive number of seconds, got " + drainSeconds);
    }
  }

  /**
   * How much of a queue of {@code queued} requests is a backlog at {@code arrivalRate} req/s: what
   * exceeds the arrivals of one target, which are served within it. Zero or less: no backlog.
   */
  public double backlog(double queued, double arrivalRate) {
    return queued - arrivalRate * targetSeconds;
  }

  /** The percentile as a name reads it: 99 for 0.99, 99.9 for 0.999. */
  public String percentileName() {
    double p = percentile * 100;
    return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
  }
}
