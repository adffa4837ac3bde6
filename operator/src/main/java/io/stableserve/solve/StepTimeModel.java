package io.stableserve.solve;

/**
 * Duration of one engine step: b = c₀ + c₁·n + c₂·m, with n the tokens computed in the step
 * (prefill chunk tokens plus one per decoding sequence) and m the KV-cache tokens resident.
 */
public record StepTimeModel(double baseSeconds, double secondsPerToken, double secondsPerKvToken) {

  public StepTimeModel {
    if (!(baseSeconds > 0) || Double.isInfinite(baseSeconds)) {
      throw new IllegalArgumentException("step base time c0 must be a positive number of seconds, got " + baseSeconds);
    }
    if (!(secondsPerToken >= 0) || Double.isInfinite(secondsPerToken)) {
      throw new IllegalArgumentException("step time per computed token c1 must be >= 0 and finite, got " + secondsPerToken);
    }
    if (!(secondsPerKvToken >= 0) || Double.isInfinite(secondsPerKvToken)) {
      throw new IllegalArgumentException("step time per resident KV token c2 must be >= 0 and finite, got " + secondsPerKvToken);
    }
  }

  /** A constant step time b̄, as the paper measures it (c₁ = c₂ = 0). */
  public static StepTimeModel constant(double stepSeconds) {
    return new StepTimeModel(stepSeconds, 0, 0);
  }

  public boolean isConstant() {
    return secondsPerToken == 0 && secondsPerKvToken == 0;
  }

  public double stepSeconds(double tokensComputed, double kvTokensResident) {
    return baseSeconds + secondsPerToken * tokensComputed + secondsPerKvToken * kvTokensResident;
  }
}
