package io.stableserve.solve;

/**
 * What one engine does under an infinite backlog (its waiting queue never empty).
 *
 * @param completionRate completions per second: the saturated throughput
 * @param recomputedTokensPerRequest R, tokens computed and then lost to preemption, per completed request
 * @param computedTokensPerRequest all tokens computed per completed request, E[s + o] + R
 * @param meanKvTokens mean KV tokens resident
 * @param preemptionsPerHour preemptions per hour
 * @param simulatedSeconds the simulated time measured
 */
public record Saturation(double completionRate, double recomputedTokensPerRequest, double computedTokensPerRequest,
    double meanKvTokens, double preemptionsPerHour, double simulatedSeconds) {

  public Saturation {
    for (double v : new double[] {completionRate, recomputedTokensPerRequest, computedTokensPerRequest, meanKvTokens,
        preemptionsPerHour, simulatedSeconds}) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("a saturated run's figures must be finite and >= 0, got " + v);
      }
    }
    if (!(completionRate > 0)) {
      throw new IllegalArgumentException("a saturated engine completed nothing");
    }
  }

  /** Preemptions per completed request. */
  public double preemptionsPerCompletion() {
    return preemptionsPerHour / 3600 / completionRate;
  }

  /** Share of the computed tokens that preemption threw away. */
  public double recomputedShare() {
    return computedTokensPerRequest == 0 ? 0 : recomputedTokensPerRequest / computedTokensPerRequest;
  }
}
