package io.stableserve.decide;

import io.stableserve.settings.Defaults;
import io.stableserve.settings.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Hysteresis between mixes. Moving from the current mix to another costs start-ups: each replica the
 * new mix adds is paid for during its start-up time before it serves. So:
 *
 * <ul>
 *   <li>a mix needed for capacity is always taken: when the current mix does not hold the demand
 *       (or is outside the bounds), the cheapest mix that does;</li>
 *   <li>a mix that is only cheaper is taken only when its saving per hour times the horizon H
 *       exceeds the start-up cost of the replicas it adds, Σ_v (n_v − current_v)⁺·c_v·startup.</li>
 * </ul>
 *
 * <p>In the second case the mix taken need not be the cheapest: it is the one that minimises the
 * cost over the horizon with its start-ups, Σ c_v·n_v·H + Σ (n_v − current_v)⁺·c_v·startup (the same
 * search as the cheapest, {@link CheapestMix#solve(List, MixDemand, Mix, double[])}), so a move
 * that only removes replicas, which starts nothing, is taken at once, and one that swaps a variant
 * for another is taken when the saving repays the swap. H defaults to
 * {@link Defaults#MIX_CHANGE_HORIZON}: long enough that a start-up of a few minutes is repaid by a
 * saving of a few percent, short enough that a saving is not deferred past the load's next swing.
 */
public final class MixChange {

  private MixChange() {}

  /** With the default horizon. */
  public static MixDecision decide(List<Variant> variants, MixDemand demand, Mix current, Duration startup) {
    return decide(variants, demand, current, startup, Defaults.mixChangeHorizon());
  }

  public static MixDecision decide(List<Variant> variants, MixDemand demand, Mix current, Duration startup, Duration horizon) {
    if (startup.isNegative()) {
      throw new IllegalArgumentException("start-up time must be >= 0, got " + startup);
    }
    if (horizon.isNegative() || horizon.isZero()) {
      throw new IllegalArgumentException("the horizon over which a new mix must repay its start-ups must be > 0, got " + horizon);
    }
    MixPlan cheapest = CheapestMix.solve(variants, demand, current);
    if (!cheapest.reachable()) {
      return new MixDecision(variants, current, cheapest.mix(), cheapest, MixDecision.Reason.UNREACHABLE, cheapest.reason());
    }
    if (!current.withinBounds(variants)) {
      return new MixDecision(variants, current, cheapest.mix(), cheapest, MixDecision.Reason.NEEDED_FOR_CAPACITY,
          "the current mix " + current.describe(variants) + " is outside the variants' bounds; " + cheapest.reason());
    }
    if (!demand.heldBy(variants, current)) {
      return new MixDecision(variants, current, cheapest.mix(), cheapest, MixDecision.Reason.NEEDED_FOR_CAPACITY,
          String.format(Locale.ROOT, "the current mix %s does not hold the demand (capacity %.4g req/s%s); %s",
              current.describe(variants), current.capacity(variants), ttftNote(variants, demand, current), cheapest.reason()));
    }
    if (cheapest.mix().equals(current)) {
      return new MixDecision(variants, current, current, cheapest, MixDecision.Reason.AT_CHEAPEST, cheapest.reason());
    }
    double startupHours = hours(startup);
    double horizonHours = hours(horizon);
    double[] added = new double[variants.size()];
    for (int v = 0; v < added.length; v++) {
      added[v] = variants.get(v).costPerHour() * startupHours / horizonHours;
    }
    Mix candidate = CheapestMix.solve(variants, demand, current, added).mix();
    double saving = current.costPerHour(variants) - candidate.costPerHour(variants);
    double startupCost = startupCost(variants, current, candidate, startupHours);
    if (!candidate.equals(current) && saving * horizonHours > startupCost) {
      String why = String.format(Locale.ROOT, "%s → %s saves %.4g/h, %.4g over the %s horizon, more than the %.4g its "
              + "added replicas cost while they start (%s)", current.describe(variants), candidate.describe(variants), saving,
          saving * horizonHours, Durations.format(horizon), startupCost, Durations.format(startup));
      if (!candidate.equals(cheapest.mix())) {
        why += String.format(Locale.ROOT, "; the cheapest, %s at %.4g/h, would cost %.4g over the horizon with its start-ups, "
                + "against %.4g", cheapest.mix().describe(variants), cheapest.costPerHour(),
            cheapest.costPerHour() * horizonHours + startupCost(variants, current, cheapest.mix(), startupHours),
            candidate.costPerHour(variants) * horizonHours + startupCost);
      }
      return new MixDecision(variants, current, candidate, cheapest, MixDecision.Reason.SAVES_OVER_HORIZON, why);
    }
    double cheapestSaving = current.costPerHour(variants) - cheapest.costPerHour();
    return new MixDecision(variants, current, current, cheapest, MixDecision.Reason.HOLD_START_UPS_NOT_REPAID,
        String.format(Locale.ROOT, "hold %s: it holds the demand, and the cheapest, %s, saves %.4g/h, %.4g over the %s "
                + "horizon, not more than the %.4g its added replicas cost while they start (%s)",
            current.describe(variants), cheapest.mix().describe(variants), cheapestSaving, cheapestSaving * horizonHours,
            Durations.format(horizon), startupCost(variants, current, cheapest.mix(), startupHours), Durations.format(startup)));
  }

  /** What the replicas {@code next} adds to {@code current} cost while they start. */
  public static double startupCost(List<Variant> variants, Mix current, Mix next, double startupHours) {
    return next.addedTo(current).costPerHour(variants) * startupHours;
  }

  private static String ttftNote(List<Variant> variants, MixDemand demand, Mix mix) {
    if (demand.slo().isEmpty()) {
      return String.format(Locale.ROOT, " < λ/ρ = %.4g", demand.neededCapacity());
    }
    double ttft = demand.ttft(variants, mix.toArray());
    return String.format(Locale.ROOT, " against λ/ρ = %.4g, predicted TTFT %s against %.3g s", demand.neededCapacity(),
        Double.isFinite(ttft) ? String.format(Locale.ROOT, "%.3g s", ttft) : "unbounded", demand.slo().get().targetSeconds());
  }

  private static double hours(Duration d) {
    return d.toMillis() / 3_600_000.0;
  }
}
