package io.stableserve.api;

import java.time.Duration;
import java.util.OptionalInt;

/** Rules of one scaling direction. */
public interface ScalingRules {

  Duration stabilizationWindowDuration();

  Integer getMaxReplicasPerStep();

  Integer getMaxPercentPerStep();

  /**
   * The largest change in replicas allowed in one decision from {@code current} replicas, or empty
   * when unlimited. With both limits the larger change is allowed; the percentage is rounded up and
   * allows at least one replica.
   */
  default OptionalInt maxStep(int current) {
    Integer replicas = getMaxReplicasPerStep();
    Integer percent = getMaxPercentPerStep();
    if (replicas == null && percent == null) {
      return OptionalInt.empty();
    }
    int byPercent = percent == null ? 0 : Math.max(1, (int) Math.ceil(Math.max(current, 0) * percent / 100.0));
    int byReplicas = replicas == null ? 0 : replicas;
    return OptionalInt.of(Math.max(byPercent, byReplicas));
  }
}
