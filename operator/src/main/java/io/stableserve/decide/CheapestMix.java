package io.stableserve.decide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.stream.IntStream;

/**
 * The cheapest integer mix of variants that holds a demand ({@link MixDemand}) within each
 * variant's bounds: minimise Σ c_v·n_v subject to Σ n_v·μ_v ≥ λ̂/ρ, the TTFT SLO over the mix where
 * there is one, and min_v ≤ n_v ≤ max_v. Ties go to fewer replicas, then to the mix nearest the
 * current one (Σ |n_v − current_v|, so the current mix wins a tie it is in), then to the smaller
 * counts in the variants' order.
 *
 * <p>Exact, by depth-first branch and bound over the variants, the cheapest per unit of capacity
 * first. Every variant but the last takes each count in its bounds; the last takes the fewest
 * replicas that hold the demand, found by bisection, which is exact because the demand only grows
 * easier as a replica is added ({@link MixDemand}). A branch is cut when its cost so far plus a lower
 * bound of the rest exceeds the best mix found: the rest's minimums, and the capacity still missing
 * bought at the cheapest cost per unit of capacity among the variants left (the linear relaxation
 * of the capacity constraint; the SLO only asks for more). In the worst case that visits
 * Π_{v&lt;V} (max_v − min_v + 1) branches, each with O(log(max_V − min_V)) checks of the demand,
 * one check O(N) with an SLO (Erlang's recursion over N = Σ n_v replicas), O(V) without; the bound
 * cuts most of them. For the few variants a service runs (two to four) and bounds in the tens
 * that is well under a millisecond to a few.
 *
 * <p>{@link #solve(List, MixDemand, Mix, double[])} also prices each replica added to the current
 * mix, so that {@link MixChange} can weigh start-ups against savings with the same search.
 */
public final class CheapestMix {

  /** Relative tolerance under which two costs are equal. */
  private static final double COST_TOLERANCE = 1e-9;
  /** The furthest {@link #whatToChange} looks beyond a variant's maximum. */
  private static final int LARGEST_RAISE = 1 << 20;

  private CheapestMix() {}

  /** The cheapest mix that holds {@code demand}, ties to fewer replicas and then nearer {@code current}. */
  public static MixPlan solve(List<Variant> variants, MixDemand demand, Mix current) {
    return solve(variants, demand, current, new double[variants.size()]);
  }

  /**
   * As {@link #solve(List, MixDemand, Mix)}, minimising Σ c_v·n_v + Σ a_v·(n_v − current_v)⁺ instead:
   * {@code addedCost[v]} (per hour, >= 0) prices each replica of variant v beyond the current mix.
   */
  public static MixPlan solve(List<Variant> variants, MixDemand demand, Mix current, double[] addedCost) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("a mix needs at least one variant");
    }
    if (current.size() != variants.size() || addedCost.length != variants.size()) {
      throw new IllegalArgumentException("one current count and one added cost per variant: " + variants.size()
          + " variants, " + current.size() + " counts, " + addedCost.length + " added costs");
    }
    for (double a : addedCost) {
      if (!(a >= 0) || Double.isInfinite(a)) {
        throw new IllegalArgumentException("the cost of an added replica must be a finite number >= 0, got " + a);
      }
    }
    Search search = new Search(variants, demand, current.toArray(), addedCost);
    search.run(0, 0, 0);
    if (search.best != null) {
      Mix mix = Mix.of(search.best);
      return new MixPlan(variants, mix, true, why(variants, demand, mix));
    }
    int[] most = variants.stream().mapToInt(Variant::max).toArray();
    Mix mix = Mix.of(most);
    return new MixPlan(variants, mix, false, whatToChange(variants, demand, most));
  }

  private static final class Search {
    final List<Variant> variants;
    final MixDemand demand;
    final int[] current;
    final double[] addedCost;
    final int[] order;
    /** Per depth: the capacity the variants after it hold at their minimums and at their maximums, their cost at their minimums, and their cheapest cost per unit of capacity. */
    final double[] restAtMin;
    final double[] restAtMax;
    final double[] restCostAtMin;
    final double[] restCostPerCapacity;
    final int[] counts;
    int[] best;
    double bestCost = Double.POSITIVE_INFINITY;
    int bestReplicas;
    int bestDistance;

    Search(List<Variant> variants, MixDemand demand, int[] current, double[] addedCost) {
      this.variants = variants;
      this.demand = demand;
      this.current = current;
      this.addedCost = addedCost;
      int size = variants.size();
      this.order = IntStream.range(0, size).boxed()
          .sorted(Comparator.comparingDouble(v -> variants.get(v).costPerCapacity()))
          .mapToInt(Integer::intValue).toArray();
      this.restAtMin = new double[size + 1];
      this.restAtMax = new double[size + 1];
      this.restCostAtMin = new double[size + 1];
      this.restCostPerCapacity = new double[size + 1];
      restCostPerCapacity[size] = Double.POSITIVE_INFINITY;
      for (int d = size - 1; d >= 0; d--) {
        Variant v = variants.get(order[d]);
        restAtMin[d] = restAtMin[d + 1] + v.min() * v.stableRate();
        restAtMax[d] = restAtMax[d + 1] + v.max() * v.stableRate();
        restCostAtMin[d] = restCostAtMin[d + 1] + cost(order[d], v.min());
        restCostPerCapacity[d] = Math.min(restCostPerCapacity[d + 1], v.costPerCapacity());
      }
      this.counts = new int[size];
    }

    /** What n replicas of variant v cost an hour, added replicas priced in. */
    double cost(int v, int n) {
      return n * variants.get(v).costPerHour() + addedCost[v] * Math.max(0, n - current[v]);
    }

    boolean beyondBest(double cost) {
      return cost > bestCost + COST_TOLERANCE * Math.max(1, Math.abs(bestCost));
    }

    void run(int depth, double capacity, double cost) {
      int v = order[depth];
      Variant variant = variants.get(v);
      if (depth == order.length - 1) {
        last(v, variant, cost);
        return;
      }
      for (int n = variant.min(); n <= variant.max(); n++) {
        counts[v] = n;
        double held = capacity + n * variant.stableRate();
        if (!demand.enough(held + restAtMax[depth + 1])) {
          continue; // more of this variant is needed
        }
        double spent = cost + cost(v, n);
        double missing = Math.max(0, demand.neededCapacity() - held - restAtMin[depth + 1]);
        double bound = spent + restCostAtMin[depth + 1] + missing * restCostPerCapacity[depth + 1];
        if (beyondBest(bound)) {
          if (missing == 0) {
            break; // from here on the bound only grows with n
          }
          continue;
        }
        run(depth + 1, held, spent);
      }
      counts[v] = 0;
    }

    /** The last variant: the fewest replicas that hold the demand, by bisection. */
    private void last(int v, Variant variant, double cost) {
      counts[v] = variant.max();
      if (!demand.heldBy(variants, counts)) {
        counts[v] = 0;
        return;
      }
      int low = variant.min() - 1; // does not hold (or below the bounds)
      int high = variant.max(); // holds
      while (high - low > 1) {
        int mid = (low + high) >>> 1;
        counts[v] = mid;
        if (demand.heldBy(variants, counts)) {
          high = mid;
        } else {
          low = mid;
        }
      }
      counts[v] = high;
      consider(cost + cost(v, high));
      counts[v] = 0;
    }

    private void consider(double cost) {
      if (beyondBest(cost)) {
        return;
      }
      int replicas = Arrays.stream(counts).sum();
      int distance = 0;
      for (int v = 0; v < counts.length; v++) {
        distance += Math.abs(counts[v] - current[v]);
      }
      boolean cheaper = cost < bestCost - COST_TOLERANCE * Math.max(1, Math.abs(bestCost));
      if (best == null || cheaper || isBetterTie(replicas, distance)) {
        best = counts.clone();
        bestCost = cost;
        bestReplicas = replicas;
        bestDistance = distance;
      }
    }

    private boolean isBetterTie(int replicas, int distance) {
      if (replicas != bestReplicas) {
        return replicas < bestReplicas;
      }
      if (distance != bestDistance) {
        return distance < bestDistance;
      }
      return Arrays.compare(counts, best) < 0;
    }
  }

  private static String why(List<Variant> variants, MixDemand demand, Mix mix) {
    StringBuilder why = new StringBuilder(String.format(Locale.ROOT,
        "cheapest mix %s at %.4g/h: capacity %.4g req/s ≥ λ/ρ = %.4g/%.2f = %.4g req/s", mix.describe(variants),
        mix.costPerHour(variants), mix.capacity(variants), demand.arrivalRate(), demand.targetUtilization(),
        demand.neededCapacity()));
    if (demand.slo().isPresent()) {
      TtftSlo slo = demand.slo().get();
      why.append(String.format(Locale.ROOT, ", predicted P%s TTFT %.3g s ≤ %.3g s", slo.percentileName(),
          demand.ttft(variants, mix.toArray()), slo.targetSeconds()));
      MixDemand capacityOnly = new MixDemand(demand.arrivalRate(), demand.targetUtilization());
      Search byCapacity = new Search(variants, capacityOnly, mix.toArray(), new double[variants.size()]);
      byCapacity.run(0, 0, 0);
      if (byCapacity.best != null && byCapacity.bestCost < mix.costPerHour(variants) * (1 - COST_TOLERANCE)) {
        why.append(String.format(Locale.ROOT, "; the SLO binds: capacity alone needs only %s at %.4g/h",
            Mix.of(byCapacity.best).describe(variants), byCapacity.bestCost));
      }
    }
    return why.toString();
  }

  /**
   * Why no mix within the bounds holds the demand, and what would: for each variant, the maximum
   * that would let a mix hold it with every other variant at its maximum.
   */
  static String whatToChange(List<Variant> variants, MixDemand demand, int[] most) {
    StringBuilder why = new StringBuilder(String.format(Locale.ROOT,
        "no mix within the bounds holds the demand: every variant at its maximum (%s) holds %.4g req/s",
        Mix.of(most).describe(variants), Mix.of(most).capacity(variants)));
    why.append(String.format(Locale.ROOT, " against λ/ρ = %.4g req/s", demand.neededCapacity()));
    if (demand.slo().isPresent()) {
      TtftSlo slo = demand.slo().get();
      double ttft = demand.ttft(variants, most);
      why.append(String.format(Locale.ROOT, ", predicted P%s TTFT %s against %.3g s", slo.percentileName(),
          Double.isFinite(ttft) ? String.format(Locale.ROOT, "%.3g s", ttft) : "unbounded", slo.targetSeconds()));
      if (demand.queueing().prefillSeconds() >= slo.targetSeconds()) {
        return why.append(String.format(Locale.ROOT, "; the prefill alone takes %.3g s, so no number of replicas meets "
            + "the TTFT target: raise it above the prefill time", demand.queueing().prefillSeconds())).toString();
      }
    }
    List<String> raises = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      int[] counts = most.clone();
      int low = most[v];
      long high = most[v];
      do {
        high = Math.min(LARGEST_RAISE, 2 * high + 1);
        counts[v] = (int) high;
      } while (high < LARGEST_RAISE && !demand.heldBy(variants, counts));
      if (!demand.heldBy(variants, counts)) {
        continue;
      }
      while (high - low > 1) {
        int mid = (int) ((low + high) >>> 1);
        counts[v] = mid;
        if (demand.heldBy(variants, counts)) {
          high = mid;
        } else {
          low = mid;
        }
      }
      raises.add(String.format(Locale.ROOT, "%s's maximum to %d (from %d)", variants.get(v).name(), high, most[v]));
    }
    StringJoiner options = new StringJoiner(", or ");
    raises.forEach(options::add);
    why.append("; to hold it raise ").append(raises.isEmpty() ? "the maximums" : options.toString())
        .append(", or raise the target utilisation ρ (less headroom)");
    if (demand.slo().isPresent()) {
      why.append(" or relax the TTFT SLO");
    }
    return why.toString();
  }
}
