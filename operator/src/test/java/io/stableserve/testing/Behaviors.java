package io.stableserve.testing;

import io.stableserve.decide.ScalingBehavior;
import io.stableserve.decide.StepLimit;
import java.time.Duration;

/** Behaviours the decide step's tests start from. */
public final class Behaviors {

  private Behaviors() {}

  /** Scale up at once, scale down after 5 minutes, no step limits, replicas start in 2 minutes, z = 2, no settling. */
  public static ScalingBehavior immediate() {
    return new ScalingBehavior(Duration.ZERO, Duration.ofMinutes(5), StepLimit.none(), StepLimit.none(), Duration.ofMinutes(2),
        ScalingBehavior.DEFAULT_CONFIDENCE, Duration.ZERO);
  }
}
