package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.bench.FleetMetrics.PodReading;
import io.stableserve.bench.FleetMetrics.Scrape;
import io.stableserve.decide.Mix;
import io.stableserve.decide.Variant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mixed fleet's policies on hand-worked cases. */
class MixPoliciesTest {

  /** h100 at 4.0/h up to 3, a100 at 1.8/h up to 2; a100 is the cheaper replica. */
  private static final List<BenchVariant> FLEET = List.of(
      new BenchVariant("h100", BenchEngine.H100, 4.0, 0, 3),
      new BenchVariant("a100", BenchEngine.A100, 1.8, 0, 2));

  private static FleetMetrics metrics(Scrape... scrapes) {
    FleetMetrics m = new FleetMetrics(600);
    for (Scrape s : scrapes) {
      m.record(s);
    }
    return m;
  }

  private static PodReading pod(int replica, int waiting, double kv) {
    return new PodReading(replica, false, 10, waiting, kv);
  }

  @Test
  void theWvaRuleAddsTheCheapestVariantAndRemovesTheMostExpensive() {
    VariantSaturationScaler wva = new VariantSaturationScaler(FLEET, SaturationScaler.Thresholds.DEFAULTS);
    assertThat(wva.scaleUp(Mix.of(1, 1))).as("a100 is the cheapest and below its max").isEqualTo(Mix.of(1, 2));
    assertThat(wva.scaleUp(Mix.of(1, 2))).as("a100 at its max: the next cheapest, h100").isEqualTo(Mix.of(2, 2));
    assertThat(wva.scaleUp(Mix.of(3, 2))).as("every variant at its max").isEqualTo(Mix.of(3, 2));
    assertThat(wva.scaleDown(Mix.of(2, 2))).as("h100 is the most expensive").isEqualTo(Mix.of(1, 2));
    assertThat(wva.scaleDown(Mix.of(0, 2))).as("no h100 left: the next most expensive, a100").isEqualTo(Mix.of(0, 1));
    assertThat(wva.scaleDown(Mix.of(0, 1))).as("the last replica stays").isEqualTo(Mix.of(0, 1));
  }

  @Test
  void theWvaRuleReadsTheSaturationOfEveryPodAndWaitsForStartingOnes() {
    VariantSaturationScaler wva = new VariantSaturationScaler(FLEET, SaturationScaler.Thresholds.DEFAULTS);
    // peaks 0.75 and 0.75: spare KV 0.05 < 0.1, scale up: one more a100
    FleetMetrics busy = metrics(new Scrape(30, List.of(pod(0, 0, 0.75), pod(1, 0, 0.75)), 0));
    assertThat(wva.decide(busy, Mix.of(1, 1), Mix.of(1, 1))).isEqualTo(Mix.of(1, 2));
    assertThat(wva.decide(busy, Mix.of(1, 2), Mix.of(1, 1))).as("an a100 still starting: no change").isEqualTo(Mix.of(1, 2));
    // three pods at 0.2: one fewer leaves 0.8 − 0.6 / 2 = 0.5 spare: scale down the h100
    FleetMetrics idle = metrics(new Scrape(30, List.of(pod(0, 0, 0.2), pod(1, 0, 0.2), pod(2, 0, 0.2)), 0));
    assertThat(wva.decide(idle, Mix.of(1, 2), Mix.of(1, 2))).isEqualTo(Mix.of(0, 2));
    assertThat(wva.decide(metrics(), Mix.of(1, 2), Mix.of(1, 2))).as("no pod has reported").isEqualTo(Mix.of(1, 2));
  }

  @Test
  void oneVariantSetsItsOwnCountFromItsOwnReplicasAndNoneOfTheOthers() {
    OneVariant a100 = new OneVariant(new SaturationScaler(new io.stableserve.decide.ReplicaRange(1, 8)), 1, "a100");
    // peaks 0.75 and 0.75 over the a100s: spare KV 0.05 < 0.1, one more a100 from its 2 ready; the h100 count is not its own
    FleetMetrics busy = metrics(new Scrape(30, List.of(pod(0, 0, 0.75), pod(1, 0, 0.75)), 0));
    assertThat(a100.decide(busy, Mix.of(2, 2), Mix.of(1, 2))).isEqualTo(Mix.of(0, 3));
    assertThat(a100.decide(busy, Mix.of(0, 3), Mix.of(0, 2))).as("its own replica still starting").isEqualTo(Mix.of(0, 3));
    assertThat(a100.name()).isEqualTo(SaturationScaler.NAME + ", a100 only");
  }

  @Test
  void theOracleMixAsksForEachVariantsReplicasAStartUpAhead() {
    OracleMix oracle = new OracleMix(new Mix[] {Mix.of(1, 0), Mix.of(0, 3), Mix.of(2, 1)}, 60, 30);
    assertThat(oracle.desired(0)).as("[0, 30] is within the first minute").isEqualTo(Mix.of(1, 0));
    assertThat(oracle.desired(40)).as("[40, 70] touches minutes 0 and 1: each variant's most").isEqualTo(Mix.of(1, 3));
    assertThat(oracle.desired(100)).as("[100, 130] touches minutes 1 and 2").isEqualTo(Mix.of(2, 3));
    assertThat(oracle.desired(130)).as("the last minute, held after it").isEqualTo(Mix.of(2, 1));
    assertThat(new StaticMix(Mix.of(2, 1)).decide(metrics(), Mix.of(0, 5), Mix.of(0, 5))).isEqualTo(Mix.of(2, 1));
  }

  @Test
  void theReactiveMixBoundAsksForEachIntervalsMixOnceItIsOverAndHoldsEachVariantsMost() {
    ReactiveMixBound bound = new ReactiveMixBound(new Mix[] {Mix.of(1, 0), Mix.of(0, 3), Mix.of(2, 1), Mix.of(0, 1)}, 60, 90);
    assertThat(bound.desired(0)).as("nothing has ended: the first minute's mix").isEqualTo(Mix.of(1, 0));
    assertThat(bound.desired(59)).isEqualTo(Mix.of(1, 0));
    assertThat(bound.desired(60)).as("minute 0 has ended").isEqualTo(Mix.of(1, 0));
    assertThat(bound.desired(120)).as("minute 1 known, minute 0 known 60 s ago: each variant's most").isEqualTo(Mix.of(1, 3));
    assertThat(bound.desired(150)).as("minute 0 was the newest known at 60 s, within the 90 s hold").isEqualTo(Mix.of(1, 3));
    assertThat(bound.desired(210)).as("the hold reaches back to 120 s: minutes 1 and 2").isEqualTo(Mix.of(2, 3));
    assertThat(bound.desired(300)).as("the hold reaches back to 210 s: minutes 2 and 3").isEqualTo(Mix.of(2, 1));
    assertThat(bound.desired(400)).as("the last minute, held after it").isEqualTo(Mix.of(0, 1));
  }

  @Test
  void theKnownLoadGivesEachIntervalItsCheapestMixAndTheBusiestItsPeak() {
    // h100 μ 20 at 4.0/h (0..40), a100 μ 10 at 1.8/h (0..8); rates 25, 50 and 100 req/s
    List<Variant> at = List.of(new Variant("h100", 20, 4.0, 0, 40), new Variant("a100", 10, 1.8, 0, 8));
    MixedLoad load = new MixedLoad(60, new double[] {25, 50, 100}, List.of(at, at, at));
    // 25 req/s: a100 3 (5.4) against h100 1 + a100 1 (5.8) or h100 2 (8.0)
    // 50: a100 5 (9.0) against h100 1 + a100 3 (9.4); 100: a100 8 + h100 1 (18.4) against h100 2 + a100 6 (18.8)
    assertThat(load.plan(1)).containsExactly(Mix.of(0, 3), Mix.of(0, 5), Mix.of(1, 8));
    // × 2: 50 → a100 5; 100 → h100 1 + a100 8; 200 → a100 8 gives 80, h100 6 gives the other 120 (31.2/h)
    assertThat(load.plan(2)).containsExactly(Mix.of(0, 5), Mix.of(1, 8), Mix.of(6, 8));
    assertThat(load.busiest(2)).isEqualTo(1);
    assertThat(load.busiest(3)).isEqualTo(2);
    // the busiest interval at ρ = 0.5: 200 req/s
    assertThat(load.forBusiest(3, 0.5)).isEqualTo(Mix.of(6, 8));
    // the quietest interval reaches the cap at (40·20 + 8·10) / 25 = 35.2
    assertThat(load.factorAtCap()).isCloseTo(35.2, within(1e-9));
    MixedLoad h100Only = load.on(List.of(FLEET.get(0), FLEET.get(1).unused()));
    assertThat(h100Only.cheapest(0, 25)).as("a100 held at none: 25 req/s on h100 alone").isEqualTo(Mix.of(2, 0));
  }
}
