package io.stableserve.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.solve.TtftApproximation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cheapest-mix search against brute force, its ties, a mix that cannot be reached, and the SLO term. */
class CheapestMixTest {

  static final double TOLERANCE = 1e-9;

  /** Every mix within the bounds, the demand checked by the TTFT approximation itself, ordered by the documented rule. */
  static Optional<int[]> bruteForce(List<Variant> variants, double lambda, double rho, Optional<TtftSlo> slo, Queueing q,
      int[] current, double[] addedCost) {
    int[] counts = variants.stream().mapToInt(Variant::min).toArray();
    int[] best = null;
    double bestCost = 0;
    while (true) {
      int replicas = Arrays.stream(counts).sum();
      double capacity = 0;
      double cost = 0;
      for (int v = 0; v < counts.length; v++) {
        capacity += counts[v] * variants.get(v).stableRate();
        cost += counts[v] * variants.get(v).costPerHour() + addedCost[v] * Math.max(0, counts[v] - current[v]);
      }
      boolean holds = replicas > 0 && capacity >= lambda / rho * (1 - 1e-12);
      if (holds && slo.isPresent()) {
        double[] rates = variants.stream().mapToDouble(Variant::stableRate).toArray();
        holds = TtftApproximation.mixTtftQuantile(counts, rates, lambda, slo.get().percentile(), q.arrivalScv(), q.serviceScv(),
            q.burstFactor(), q.prefillSeconds()) <= slo.get().targetSeconds();
      }
      if (holds && (best == null || before(counts, cost, best, bestCost, current))) {
        best = counts.clone();
        bestCost = cost;
      }
      int v = 0;
      while (v < counts.length && counts[v] == variants.get(v).max()) {
        counts[v] = variants.get(v).min();
        v++;
      }
      if (v == counts.length) {
        return Optional.ofNullable(best);
      }
      counts[v]++;
    }
  }

  /** Cheaper; on equal cost fewer replicas; then nearer the current mix; then the smaller counts in order. */
  static boolean before(int[] a, double costA, int[] b, double costB, int[] current) {
    double tol = TOLERANCE * Math.max(1, Math.abs(costB));
    if (Math.abs(costA - costB) > tol) {
      return costA < costB;
    }
    int ra = Arrays.stream(a).sum();
    int rb = Arrays.stream(b).sum();
    if (ra != rb) {
      return ra < rb;
    }
    int da = 0;
    int db = 0;
    for (int v = 0; v < a.length; v++) {
      da += Math.abs(a[v] - current[v]);
      db += Math.abs(b[v] - current[v]);
    }
    if (da != db) {
      return da < db;
    }
    return Arrays.compare(a, b) < 0;
  }

  @Test
  void theSearchFindsWhatBruteForceFindsOnManySmallCases() {
    Random random = new Random(17);
    double[] tieProneRates = {1, 2, 4};
    int withSlo = 0;
    int unreachable = 0;
    int distinctFromGreedy = 0;
    for (int trial = 0; trial < 600; trial++) {
      int size = 2 + random.nextInt(2);
      boolean tieProne = trial % 3 == 0;
      List<Variant> variants = new ArrayList<>();
      int[] current = new int[size];
      double[] addedCost = new double[size];
      for (int v = 0; v < size; v++) {
        double mu = tieProne ? tieProneRates[random.nextInt(3)] : 0.5 + 4.5 * random.nextDouble();
        double cost = tieProne ? 1 + random.nextInt(4) : 0.5 + 4.5 * random.nextDouble();
        int min = random.nextInt(3);
        int max = min + random.nextInt(6);
        variants.add(new Variant("v" + v, mu, cost, min, max));
        current[v] = random.nextInt(max + 2);
        addedCost[v] = trial % 4 == 1 ? cost * random.nextDouble() : 0;
      }
      double lambda = 0.5 + 14 * random.nextDouble();
      double rho = 0.6 + 0.35 * random.nextDouble();
      Optional<TtftSlo> slo = trial % 2 == 0 ? Optional.of(new TtftSlo(0.3 + 2 * random.nextDouble(), 0.99)) : Optional.empty();
      Queueing q = new Queueing(0, 1 + 2 * random.nextDouble(), 1, 0.2 * random.nextDouble(), 1);
      MixDemand demand = new MixDemand(lambda, rho, slo, q);

      MixPlan plan = CheapestMix.solve(variants, demand, Mix.of(current), addedCost);
      Optional<int[]> expected = bruteForce(variants, lambda, rho, slo, q, current, addedCost);

      String label = "trial " + trial + ": " + variants + ", λ " + lambda + ", ρ " + rho + ", " + slo + ", current "
          + Arrays.toString(current) + ", added " + Arrays.toString(addedCost);
      assertThat(plan.reachable()).as(label).isEqualTo(expected.isPresent());
      if (expected.isPresent()) {
        assertThat(plan.mix().toArray()).as(label).containsExactly(expected.get());
        withSlo += slo.isPresent() ? 1 : 0;
        int[] greedy = greedy(variants, demand);
        if (greedy == null || !Arrays.equals(greedy, expected.get())) {
          distinctFromGreedy++;
        }
      } else {
        unreachable++;
        assertThat(plan.mix().toArray()).as(label).containsExactly(variants.stream().mapToInt(Variant::max).toArray());
      }
    }
    // The cases exercise what they are meant to: the SLO, bounds that cannot be met, and answers a greedy fill gets wrong.
    assertThat(withSlo).isGreaterThan(100);
    assertThat(unreachable).isGreaterThan(20);
    assertThat(distinctFromGreedy).isGreaterThan(20);
  }

  /** Fill from the minimums with the cheapest capacity first: what an exact search must beat. */
  static int[] greedy(List<Variant> variants, MixDemand demand) {
    int[] counts = variants.stream().mapToInt(Variant::min).toArray();
    Integer[] order = new Integer[counts.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(variants.get(a).costPerCapacity(), variants.get(b).costPerCapacity()));
    for (int v : order) {
      while (!demand.heldBy(variants, counts) && counts[v] < variants.get(v).max()) {
        counts[v]++;
      }
    }
    return demand.heldBy(variants, counts) ? counts : null;
  }

  @Test
  void onEqualCostFewerReplicasWin() {
    // Capacity costs 1 per req/s on both; 8 req/s needs a 4, a 2 + b 1 or b 2, all at 8/h.
    List<Variant> variants = List.of(new Variant("a", 2, 2, 0, 10), new Variant("b", 4, 4, 0, 10));
    MixPlan plan = CheapestMix.solve(variants, new MixDemand(6.4, 0.8), Mix.of(4, 0));
    assertThat(plan.mix()).isEqualTo(Mix.of(0, 2));
    assertThat(plan.costPerHour()).isEqualTo(8);
  }

  @Test
  void onEqualCostAndReplicasTheCurrentMixWins() {
    // Two variants alike in rate and price: every mix of 3 replicas costs the same.
    List<Variant> variants = List.of(new Variant("on-demand", 1, 1, 0, 5), new Variant("spot", 1, 1, 0, 5));
    MixDemand demand = new MixDemand(2.7, 0.9);
    for (int[] current : new int[][] {{1, 2}, {2, 1}, {3, 0}}) {
      assertThat(CheapestMix.solve(variants, demand, Mix.of(current)).mix()).isEqualTo(Mix.of(current));
    }
    // The current mix too large: the mix nearest it among the cheapest.
    assertThat(CheapestMix.solve(variants, demand, Mix.of(4, 0)).mix()).isEqualTo(Mix.of(3, 0));
  }

  @Test
  void aMixThatCannotBeReachedFallsBackToEveryMaximumAndSaysWhatToRaise() {
    List<Variant> variants = List.of(new Variant("h100", 10, 4, 0, 2), new Variant("a100", 4, 1.8, 1, 3));
    double lambda = 40;
    double rho = 0.8;
    MixPlan plan = CheapestMix.solve(variants, new MixDemand(lambda, rho), Mix.of(1, 1));
    assertThat(plan.reachable()).isFalse();
    assertThat(plan.mix()).isEqualTo(Mix.of(2, 3));
    int h100Needed = (int) Math.ceil((lambda / rho - 3 * 4) / 10);
    int a100Needed = (int) Math.ceil((lambda / rho - 2 * 10) / 4);
    assertThat(plan.reason())
        .contains("holds 32.00 req/s against λ/ρ = 50.00 req/s")
        .contains("raise h100's maximum to " + h100Needed + " (from 2)")
        .contains("a100's maximum to " + a100Needed + " (from 3)");
  }

  @Test
  void aTtftTargetBelowThePrefillSaysNoCountMeetsIt() {
    List<Variant> variants = List.of(new Variant("h100", 10, 4, 0, 5));
    MixDemand demand = new MixDemand(5, 0.8, Optional.of(new TtftSlo(0.5, 0.99)), new Queueing(0, 1, 1, 0.6, 1));
    MixPlan plan = CheapestMix.solve(variants, demand, Mix.of(1));
    assertThat(plan.reachable()).isFalse();
    assertThat(plan.reason()).contains("the prefill alone takes 0.600 s");
  }

  @Test
  void theSloAsksForMoreThanCapacityAndTheSearchPaysForIt() {
    // Bursty arrivals and a tight P99: the capacity-only mix would miss the target.
    List<Variant> variants = List.of(new Variant("h100", 8, 4, 0, 10), new Variant("a100", 3, 1.6, 0, 10));
    Queueing bursty = new Queueing(0, 4, 1, 0.05, 1);
    TtftSlo slo = new TtftSlo(0.4, 0.99);
    MixDemand withSlo = new MixDemand(20, 0.85, Optional.of(slo), bursty);
    MixDemand capacityOnly = new MixDemand(20, 0.85);

    MixPlan byCapacity = CheapestMix.solve(variants, capacityOnly, Mix.of(0, 0));
    MixPlan bySlo = CheapestMix.solve(variants, withSlo, Mix.of(0, 0));

    assertThat(withSlo.ttft(variants, byCapacity.mix().toArray())).isGreaterThan(slo.targetSeconds());
    assertThat(withSlo.ttft(variants, bySlo.mix().toArray())).isLessThanOrEqualTo(slo.targetSeconds());
    assertThat(bySlo.costPerHour()).isGreaterThan(byCapacity.costPerHour());
    assertThat(bySlo.reason()).contains("the SLO binds: capacity alone needs only " + byCapacity.mix().describe(variants));
  }
}
