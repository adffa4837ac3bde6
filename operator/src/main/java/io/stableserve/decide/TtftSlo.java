package io.stableserve.decide;

/**
 * A time-to-first-token objective: the {@code percentile} of TTFT at most {@code targetSeconds}.
 *
 * @param targetSeconds the TTFT the percentile must stay under, seconds
 * @param percentile e.g. 0.99, strictly between 0 and 1
 */
public record TtftSlo(double targetSeconds, double percentile) {
  public TtftSlo {
    if (!(targetSeconds > 0) || Double.isInfinite(targetSeconds)) {
      throw new IllegalArgumentException("TTFT target must be a positive number of seconds, got " + targetSeconds);
    }
    if (!(percentile > 0 && percentile < 1)) {
      throw new IllegalArgumentException("TTFT percentile must be strictly between 0 and 1, e.g. 0.99, got " + percentile);
    }
  }
}
