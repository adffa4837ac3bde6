package io.stableserve.decide;

import java.time.Duration;
import java.util.Objects;

/**
 * The idle rule of a service allowed to go to zero replicas ({@code replicas.min: 0}).
 *
 * <p>Going to zero trades the cost of keeping one replica through an idle spell against what the
 * next request pays: a cold start, the replica's start-up S, before its first token, and the GPU
 * time of that start-up. It is the rent-or-buy choice: keeping the replica warm is renting, a cold
 * start is buying. Staying warm for a break-even time B and then going to zero pays at most
 * twice what a rule that knew the next arrival in advance would pay, whatever the gap turns out to be.
 * B is asked of the service ({@code idleAfter}: how much warm GPU time one cold start is worth to
 * it), and never shorter than S itself: an idle spell shorter than a start-up cannot repay the
 * start-up's own GPU time, so going to zero sooner would cost GPU time as well as latency.
 *
 * @param idleAfter B: how long the service must have been idle (nothing arrived, ran, waited or was
 *     held at the gateway) before it goes to zero
 */
public record ScaleToZero(Duration idleAfter) {

  public ScaleToZero {
    Objects.requireNonNull(idleAfter, "idle period before zero");
    if (idleAfter.isNegative() || idleAfter.isZero()) {
      throw new IllegalArgumentException("the idle period before going to zero must be > 0, got " + idleAfter);
    }
  }

  /** How long the service must be idle before it goes to zero, given the start-up a cold start pays: max(B, S). */
  public Duration idleBeforeZero(Duration startup) {
    return startup.compareTo(idleAfter) > 0 ? startup : idleAfter;
  }
}
