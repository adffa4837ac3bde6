package io.stableserve.bench;

import io.stableserve.decide.CheapestMix;
import io.stableserve.decide.Mix;
import io.stableserve.decide.MixDemand;
import io.stableserve.decide.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * What knowing a workload's future on the mixed fleet gives: each interval's arrival rate (the
 * requests that will arrive in it over its length) and each variant's empirical stable rate for the
 * lengths drawn in it ({@link EmpiricalCapacity}), with the variants' prices and bounds.
 *
 * @param variants per interval, the fleet's variants with that interval's stable rates
 */
public record MixedLoad(double intervalSeconds, double[] rates, List<List<Variant>> variants) {

  /** MixDemand asks for λ/ρ with 0 &lt; ρ &lt; 1; λ = c/2 at ρ = 1/2 asks for exactly c. */
  private static final double HALF = 0.5;

  public MixedLoad {
    rates = rates.clone();
    variants = List.copyOf(variants);
    if (rates.length == 0 || rates.length != variants.size() || !(intervalSeconds > 0)) {
      throw new IllegalArgumentException("one rate and one list of variants per interval, at least one interval of positive length");
    }
  }

  /** The workload's intervals with each variant's empirical rate for the lengths of each, one capacity per variant. */
  public static MixedLoad of(BenchWorkload workload, long seed, List<BenchVariant> fleet, List<EmpiricalCapacity> capacities,
      double intervalSeconds) {
    double[] rates = Oracle.ratesPerInterval(workload, seed, intervalSeconds);
    List<List<Variant>> variants = new ArrayList<>();
    for (int k = 0; k < rates.length; k++) {
      var lengths = workload.lengthsAt().apply(Oracle.midpoint(workload, k, intervalSeconds));
      List<Variant> at = new ArrayList<>();
      for (int v = 0; v < fleet.size(); v++) {
        at.add(fleet.get(v).at(capacities.get(v).stableRate(lengths)));
      }
      variants.add(at);
    }
    return new MixedLoad(intervalSeconds, rates, variants);
  }

  /** The same future with other prices and bounds (e.g. a variant held at none), the rates kept. */
  public MixedLoad on(List<BenchVariant> fleet) {
    List<List<Variant>> out = new ArrayList<>();
    for (List<Variant> at : variants) {
      List<Variant> priced = new ArrayList<>();
      for (int v = 0; v < fleet.size(); v++) {
        priced.add(fleet.get(v).at(at.get(v).stableRate()));
      }
      out.add(priced);
    }
    return new MixedLoad(intervalSeconds, rates, out);
  }

  public int intervals() {
    return rates.length;
  }

  /** Interval k's load in replicas of the first variant: its rate over that variant's stable rate. */
  public double load(int k) {
    return rates[k] / variants.get(k).get(0).stableRate();
  }

  /** The interval of the highest load among the first {@code count}. */
  public int busiest(int count) {
    int best = 0;
    for (int k = 1; k < Math.min(count, rates.length); k++) {
      if (load(k) > load(best)) {
        best = k;
      }
    }
    return best;
  }

  /** The cheapest mix within the bounds with at least {@code capacity} req/s at interval k's stable rates (all at their maximum when none has). */
  public Mix cheapest(int k, double capacity) {
    return CheapestMix.solve(variants.get(k), new MixDemand(capacity * HALF, HALF), Mix.of(new int[variants.get(k).size()])).mix();
  }

  /** The cheapest mix for the busiest of the first {@code count} intervals at utilisation ρ. */
  public Mix forBusiest(int count, double targetUtilization) {
    int k = busiest(count);
    return cheapest(k, rates[k] / targetUtilization);
  }

  /** Each interval's cheapest mix for its rate times {@code factor}. */
  public Mix[] plan(double factor) {
    Mix[] plan = new Mix[rates.length];
    for (int k = 0; k < rates.length; k++) {
      plan[k] = cheapest(k, factor * rates[k]);
    }
    return plan;
  }

  /** The factor at which even the quietest interval's plan is every variant at its maximum; beyond it nothing changes. */
  public double factorAtCap() {
    double reach = 1;
    for (int k = 0; k < rates.length; k++) {
      if (rates[k] > 0) {
        double most = 0;
        for (Variant v : variants.get(k)) {
          most += v.max() * v.stableRate();
        }
        reach = Math.max(reach, most / rates[k]);
      }
    }
    return reach;
  }
}
