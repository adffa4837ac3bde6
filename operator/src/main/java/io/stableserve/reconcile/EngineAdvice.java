package io.stableserve.reconcile;

import java.util.OptionalLong;

/**
 * An engine setting that would widen the stable region of one replica.
 *
 * @param setting the vLLM setting, e.g. {@code max_num_seqs}
 * @param value the recommended value
 * @param currentValue the value now, where known
 * @param currentStableRate stable rate per replica now, req/s
 * @param recommendedStableRate predicted stable rate per replica with the recommended value, req/s
 */
public record EngineAdvice(String setting, long value, OptionalLong currentValue, double currentStableRate,
    double recommendedStableRate) {

  public EngineAdvice {
    if (setting == null || setting.isBlank()) {
      throw new IllegalArgumentException("an engine recommendation names its setting");
    }
    if (!(currentStableRate > 0) || !(recommendedStableRate > 0) || Double.isInfinite(currentStableRate)
        || Double.isInfinite(recommendedStableRate)) {
      throw new IllegalArgumentException("stable rates of an engine recommendation must be positive and finite, got "
          + currentStableRate + " and " + recommendedStableRate);
    }
    currentValue = currentValue == null ? OptionalLong.empty() : currentValue;
  }

  /** recommended / current − 1. */
  public double gain() {
    return recommendedStableRate / currentStableRate - 1;
  }
}
