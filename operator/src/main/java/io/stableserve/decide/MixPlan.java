package io.stableserve.decide;

import java.util.List;
import java.util.Objects;

/**
 * The mix {@link CheapestMix} found.
 *
 * @param mix the cheapest mix that holds the demand; when none within the bounds does, the one with
 *     the most capacity (every variant at its maximum)
 * @param reachable whether {@code mix} holds the demand
 * @param reason why this mix; when it is not reachable, what to change so that one is
 */
public record MixPlan(List<Variant> variants, Mix mix, boolean reachable, String reason) {

  public MixPlan {
    variants = List.copyOf(variants);
    Objects.requireNonNull(mix, "mix");
    Objects.requireNonNull(reason, "reason");
  }

  public double costPerHour() {
    return mix.costPerHour(variants);
  }

  public double capacity() {
    return mix.capacity(variants);
  }
}
