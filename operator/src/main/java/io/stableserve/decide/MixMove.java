package io.stableserve.decide;

import io.stableserve.settings.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a mix reaches the capacity that the service's decision asked for, one move at a time. The
 * capacity comes from the one-type decision (its forecast, backlog, SLO count and stabilisation),
 * so this step only chooses which replicas, and it never trades capacity that serves for capacity
 * that starts:
 *
 * <ul>
 *   <li><b>grow</b>: when the mix asked for does not hold the capacity, the cheapest mix that keeps
 *       every replica it has and holds it; replicas are only added;</li>
 *   <li><b>wait</b>: while any variant has replicas starting, nothing is removed;</li>
 *   <li><b>shed</b>: with every replica serving, the cheapest mix within the one asked for that
 *       holds the capacity, when it saves anything: it starts nothing;</li>
 *   <li><b>swap</b>: else {@link MixChange} over the horizon; a swap (cheaper replicas for dearer
 *       ones) that repays its start-ups is taken in two moves, first the replicas it adds, then,
 *       once they serve, the ones it drops, found then as a shed.</li>
 * </ul>
 */
public final class MixMove {

  private static final double COST_TOLERANCE = 1e-9;

  private MixMove() {}

  /**
   * @param asked the replicas each variant is asked for now (/scale spec, starting ones included)
   * @param ready the replicas each variant serves with now
   * @param capacity the capacity the decision asked for, requests per second
   * @param startup one replica's start-up time
   * @param horizon the time a cheaper mix must repay its start-ups within
   */
  public static MixDecision to(List<Variant> variants, Mix asked, Mix ready, double capacity, Duration startup, Duration horizon) {
    if (!(capacity >= 0) || Double.isInfinite(capacity)) {
      throw new IllegalArgumentException("capacity asked for must be a finite number >= 0, got " + capacity);
    }
    if (ready.size() != asked.size()) {
      throw new IllegalArgumentException("ready counts for " + ready.size() + " variants, asked counts for " + asked.size());
    }
    // Σ n_v·μ_v ≥ capacity: the demand at any ρ whose λ/ρ is the capacity.
    MixDemand demand = new MixDemand(capacity / 2, 0.5);
    if (!asked.withinBounds(variants) || demand.heldBy(variants, asked)) {
      return shedOrSwap(variants, asked, ready, demand, startup, horizon);
    }
    MixPlan grown = CheapestMix.solve(keeping(variants, asked), demand, asked);
    if (!grown.reachable()) {
      MixPlan best = CheapestMix.solve(variants, demand, asked);
      return new MixDecision(variants, asked, best.mix(), best, MixDecision.Reason.UNREACHABLE, best.reason());
    }
    return new MixDecision(variants, asked, grown.mix(), grown, MixDecision.Reason.NEEDED_FOR_CAPACITY, String.format(Locale.ROOT,
        "%s holds %.4g req/s, less than the %.4g asked for: %s adds the cheapest capacity and keeps every replica",
        asked.describe(variants), asked.capacity(variants), capacity, grown.mix().describe(variants)));
  }

  private static MixDecision shedOrSwap(List<Variant> variants, Mix asked, Mix ready, MixDemand demand, Duration startup,
      Duration horizon) {
    MixDecision change = MixChange.decide(variants, demand, asked, startup, horizon);
    if (!change.changes() || !asked.withinBounds(variants)) {
      return change;
    }
    List<String> starting = new ArrayList<>();
    for (int v = 0; v < asked.size(); v++) {
      if (ready.count(v) < asked.count(v)) {
        starting.add(String.format(Locale.ROOT, "%s %d of %d", variants.get(v).name(), ready.count(v), asked.count(v)));
      }
    }
    if (!starting.isEmpty()) {
      return new MixDecision(variants, asked, asked, change.cheapest(), MixDecision.Reason.HOLD_WHILE_STARTING,
          String.format(Locale.ROOT, "hold %s while replicas start (ready: %s): no replica is removed until those asked "
              + "for serve; then %s", asked.describe(variants), String.join(", ", starting), change.why()));
    }
    // A removal that still holds the capacity starts nothing, so it comes before any swap: it is
    // also a swap's second move, once the replicas the swap added serve.
    MixPlan shed = CheapestMix.solve(within(variants, asked), demand, asked);
    if (shed.reachable() && shed.costPerHour() < asked.costPerHour(variants) - COST_TOLERANCE) {
      return new MixDecision(variants, asked, shed.mix(), change.cheapest(), MixDecision.Reason.SHEDDING,
          String.format(Locale.ROOT, "%s → %s holds the %.4g req/s asked for with %.4g, and saves %.4g/h",
              asked.describe(variants), shed.mix().describe(variants), demand.neededCapacity(), shed.capacity(),
              asked.costPerHour(variants) - shed.costPerHour()));
    }
    Mix added = addedOnly(asked, change.mix());
    if (added.equals(asked) || added.equals(change.mix())) {
      return change;
    }
    return new MixDecision(variants, asked, added, change.cheapest(), MixDecision.Reason.ADDING_BEFORE_REMOVING,
        String.format(Locale.ROOT, "%s first: the replicas that %s adds start before those it drops go, in %s; %s",
            added.describe(variants), change.mix().describe(variants), Durations.format(startup), change.why()));
  }

  /** The variants with their minimums raised to the counts {@code asked} has (within their maximums). */
  static List<Variant> keeping(List<Variant> variants, Mix asked) {
    List<Variant> kept = new ArrayList<>(variants.size());
    for (int v = 0; v < variants.size(); v++) {
      Variant variant = variants.get(v);
      int min = Math.min(variant.max(), Math.max(variant.min(), asked.count(v)));
      kept.add(new Variant(variant.name(), variant.stableRate(), variant.costPerHour(), min, variant.max()));
    }
    return kept;
  }

  /** The variants with their maximums lowered to the counts {@code asked} has (within their minimums). */
  static List<Variant> within(List<Variant> variants, Mix asked) {
    List<Variant> kept = new ArrayList<>(variants.size());
    for (int v = 0; v < variants.size(); v++) {
      Variant variant = variants.get(v);
      int max = Math.max(variant.min(), Math.min(variant.max(), asked.count(v)));
      kept.add(new Variant(variant.name(), variant.stableRate(), variant.costPerHour(), variant.min(), max));
    }
    return kept;
  }

  /** Each variant at the larger of its two counts: what {@code next} adds, with nothing removed. */
  static Mix addedOnly(Mix asked, Mix next) {
    List<Integer> counts = new ArrayList<>(asked.size());
    for (int v = 0; v < asked.size(); v++) {
      counts.add(Math.max(asked.count(v), next.count(v)));
    }
    return new Mix(counts);
  }
}
