package io.stableserve.workload;

/**
 * The token statistics of a workload that the stability model reads: first and second moments of
 * prompt length s and output length o, their cross moment E[s·o], the mean number of prefill chunks
 * E[⌈s/ŝ⌉] is kept apart because it depends on the chunk size, and the largest request s + o.
 */
public record TokenMoments(
    double meanPrompt,
    double meanPromptSquare,
    double meanOutput,
    double meanOutputSquare,
    double meanPromptTimesOutput,
    double maxTotalTokens) {

  public TokenMoments {
    check("mean prompt tokens E[s]", meanPrompt);
    check("E[s²]", meanPromptSquare);
    check("mean output tokens E[o]", meanOutput);
    check("E[o²]", meanOutputSquare);
    check("E[s·o]", meanPromptTimesOutput);
    check("largest request s+o", maxTotalTokens);
    if (meanPrompt + meanOutput <= 0) {
      throw new IllegalArgumentException("workload has no tokens: E[s] + E[o] must be positive");
    }
  }

  /** Moments of independent prompt and output lengths. */
  public static TokenMoments independent(LengthDistribution prompt, LengthDistribution output) {
    return new TokenMoments(prompt.mean(), prompt.meanSquare(), output.mean(), output.meanSquare(),
        prompt.mean() * output.mean(), prompt.max() + output.max());
  }

  /** E[s + o]: tokens computed per request (prefill plus one per decode step). */
  public double meanTotalTokens() {
    return meanPrompt + meanOutput;
  }

  /**
   * E[g(s, o)], the mean memory area of a request in token-steps, from the paper's closed form
   * g = [(1 + s/ŝ)·s + 2·o·s + (1 + o)·o] / 2, which is linear in the moments.
   */
  public double meanMemoryArea(int chunkTokens) {
    if (chunkTokens <= 0) {
      throw new IllegalArgumentException("prefill chunk ŝ must be positive, got " + chunkTokens);
    }
    return (meanPrompt + meanPromptSquare / chunkTokens + 2 * meanPromptTimesOutput + meanOutput
        + meanOutputSquare) / 2;
  }

  /** Memory area g(s, o) of one request. */
  public static double memoryArea(double prompt, double output, int chunkTokens) {
    return ((1 + prompt / chunkTokens) * prompt + 2 * output * prompt + (1 + output) * output) / 2;
  }

  private static void check(String what, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be finite, got " + value);
    }
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + value);
    }
  }
}
