package io.stableserve.sim.arrivals;

/** One request as it reaches the service: when, and its prompt and output lengths in tokens. */
public record Arrival(double time, int promptTokens, int outputTokens) {
  public Arrival {
    if (Double.isNaN(time) || Double.isInfinite(time)) {
      throw new IllegalArgumentException("arrival time must be finite, got " + time);
    }
    if (promptTokens < 1 || outputTokens < 1) {
      throw new IllegalArgumentException("a request needs at least one prompt and one output token, got "
          + promptTokens + " and " + outputTokens);
    }
  }
}
