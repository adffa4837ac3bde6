package io.stableserve.bench;

import io.stableserve.pipeline.ServiceSettings;
import io.stableserve.settings.Defaults;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.Provisioning;
import java.time.Duration;

/**
 * The InferenceService settings StableServe runs with in the benchmark: the operator's defaults.
 *
 * @param targetUtilization ρ (the operator's default 0.85)
 * @param windowSeconds the metrics estimation window (the operator's default 5 min)
 * @param model the stability model
 * @param scaleUpSettleTime behavior.scaleUp.settleTime (the operator's default 30 s)
 * @param sloPercentile the TTFT percentile of the service's SLO, whose target is the benchmark's TTFT
 *     target (the spec's default percentile, 0.99); empty: no SLO, sized by ρ
 */
public record StableServeSettings(double targetUtilization, double windowSeconds, ModelKind model, Duration scaleUpSettleTime,
    java.util.OptionalDouble sloPercentile) {

  public StableServeSettings(double targetUtilization, double windowSeconds, ModelKind model, Duration scaleUpSettleTime) {
    this(targetUtilization, windowSeconds, model, scaleUpSettleTime, java.util.OptionalDouble.of(Defaults.ttftPercentile()));
  }

  public StableServeSettings {
    sloPercentile = sloPercentile == null ? java.util.OptionalDouble.empty() : sloPercentile;
    Provisioning.checkTargetUtilization(targetUtilization);
    if (model == null) {
      throw new IllegalArgumentException("a stability model is needed");
    }
    if (scaleUpSettleTime == null || scaleUpSettleTime.isNegative()) {
      throw new IllegalArgumentException("scale-up settle time must be 0 or more, got " + scaleUpSettleTime);
    }
  }

  public static StableServeSettings defaults() {
    return new StableServeSettings(StableServeAutoscaler.DEFAULT_TARGET_UTILIZATION, StableServeAutoscaler.DEFAULT_WINDOW_SECONDS,
        ServiceSettings.defaultModel(), StableServeAutoscaler.DEFAULT_SETTLE_TIME);
  }
}
