package io.stableserve.decide;

import java.util.List;
import java.util.Objects;

/**
 * What {@link MixChange} decided.
 *
 * @param mix the mix to run
 * @param cheapest the cheapest mix that holds the demand now (or the best reachable one)
 * @param reason the kind of decision
 * @param why the figures behind it, in words
 */
public record MixDecision(List<Variant> variants, Mix current, Mix mix, MixPlan cheapest, Reason reason, String why) {

  /** Why a mix was chosen; {@link #machineName()} is the CamelCase reason for status and Events. */
  public enum Reason {
    /** The current mix is the cheapest that holds the demand. */
    AT_CHEAPEST("AtCheapestMix"),
    /** The current mix does not hold the demand (or is outside the bounds): the cheapest one that does is taken. */
    NEEDED_FOR_CAPACITY("MixNeededForCapacity"),
    /** No mix within the bounds holds the demand: every variant at its maximum. */
    UNREACHABLE("NoMixHoldsTheDemand"),
    /** A cheaper mix saves more over the horizon than its added replicas cost while they start. */
    SAVES_OVER_HORIZON("CheaperMixRepaysStartUps"),
    /** The current mix holds the demand; a cheaper one would not repay its start-ups over the horizon. */
    HOLD_START_UPS_NOT_REPAID("CheaperMixStartUpsNotRepaid"),
    /** Fewer of the replicas there are hold the capacity asked for: the others are removed. */
    SHEDDING("MixShedsReplicas"),
    /** Replicas are starting: nothing is removed until they serve. */
    HOLD_WHILE_STARTING("MixHeldWhileReplicasStart"),
    /** A cheaper mix repays its start-ups: the replicas it adds start first, those it drops go once they serve. */
    ADDING_BEFORE_REMOVING("CheaperMixStartsFirst");

    private final String machineName;

    Reason(String machineName) {
      this.machineName = machineName;
    }

    public String machineName() {
      return machineName;
    }
  }

  public MixDecision {
    variants = List.copyOf(variants);
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(mix, "mix");
    Objects.requireNonNull(cheapest, "cheapest");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(why, "why");
  }

  public boolean changes() {
    return !mix.equals(current);
  }

  public double costPerHour() {
    return mix.costPerHour(variants);
  }
}
