package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.decide.Mix;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.pipeline.MixEvaluation;
import io.stableserve.sim.arrivals.Phase;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mixed fleet's run: each variant's replica-hours at its price, and StableServe through the operator's mix decision. */
class MixPolicyRunTest {

  private static final Workload CHAT = new IndependentLengths(LengthDistribution.parse("uniform:100:500"),
      LengthDistribution.parse("uniform:50:250"));

  static BenchWorkload steady(double rate, double seconds) {
    return new BenchWorkload("steady", rate + " req/s", seconds,
        seed -> new PoissonSource(List.of(Phase.constant(seconds, rate, CHAT)), false, seed), t -> CHAT);
  }

  static BenchSetup setup() {
    return new BenchSetup(BenchVariant.MIXED.get(0).setup(), 60, 32768, new ReplicaRange(1, 40), 2.0, 5,
        StableServeSettings.defaults());
  }

  /** A policy that asks for {@code mix} every {@code period} seconds, noting the spec and ready mixes it is shown. */
  private static MixAutoscaler asking(Mix mix, double period, List<Mix> seen) {
    return new MixAutoscaler() {
      public String name() {
        return "asking " + mix;
      }

      public double periodSeconds() {
        return period;
      }

      public Mix decide(FleetMetrics metrics, Mix spec, Mix ready) {
        seen.add(spec);
        seen.add(ready);
        return mix;
      }
    };
  }

  @Test
  void theCostIsEachVariantsReplicaHoursAtItsPrice() {
    assertThat(MixRunResult.cost(List.of(2.0, 3.0), BenchVariant.MIXED)).isCloseTo(2 * 4.0 + 3 * 1.8, within(1e-12));
    MixRunResult r = new MixRunResult("p", "", null, List.of(2.0, 3.0), 13.4, 1800);
    assertThat(r.costPerHour()).as("13.4 over half an hour").isCloseTo(26.8, within(1e-12));
  }

  @Test
  void aStaticMixPaysEachVariantsReplicasForTheWholeLoad() {
    double seconds = 600;
    MixRunResult r = new MixPolicyRun(setup(), BenchVariant.MIXED).run(steady(10, seconds), new StaticMix(Mix.of(2, 1)), Mix.of(2, 1));
    assertThat(r.replicaHours().get(0)).as("two h100 from 0 to the load's end").isCloseTo(2 * seconds / 3600, within(1e-9));
    assertThat(r.replicaHours().get(1)).as("one a100").isCloseTo(seconds / 3600, within(1e-9));
    assertThat(r.cost()).isCloseTo((2 * 4.0 + 1.8) * seconds / 3600, within(1e-9));
    assertThat(r.costPerHour()).isCloseTo(2 * 4.0 + 1.8, within(1e-9));
    assertThat(r.run().gpuHours()).isCloseTo(3 * seconds / 3600, within(1e-9));
    assertThat(r.run().scalingActions()).isZero();
  }

  @Test
  void aMixChangedMidRunPaysEachReplicaFromItsCreationAndTheRemovedOnesUntilTheyAreGone() {
    double seconds = 600;
    MixAutoscaler swap = asking(Mix.of(0, 2), 300, new java.util.ArrayList<>());
    // at 300 s the h100 is removed (it drains its few requests) and two a100 are created
    MixRunResult r = new MixPolicyRun(setup(), BenchVariant.MIXED).run(steady(2, seconds), swap, Mix.of(1, 0));
    assertThat(r.replicaHours().get(0)).as("the h100 until it has drained, shortly after 300 s")
        .isBetween(300.0 / 3600, 330.0 / 3600);
    assertThat(r.replicaHours().get(1)).as("two a100 from 300 s, start-up included").isCloseTo(2 * 300.0 / 3600, within(1e-9));
    assertThat(r.cost()).isCloseTo(MixRunResult.cost(r.replicaHours(), BenchVariant.MIXED), within(1e-12));
    assertThat(r.run().scalingActions()).isEqualTo(1);
  }

  @Test
  void stableServeDecidesTheMixThroughTheOperatorsPipeline() {
    StableServeMixAutoscaler stableServe = StableServeMixAutoscaler.of(setup(), BenchVariant.MIXED);
    MixRunResult r = new MixPolicyRun(setup(), BenchVariant.MIXED).run(steady(40, 600), stableServe, Mix.of(4, 0));
    MixEvaluation last = stableServe.lastEvaluation().orElseThrow();
    assertThat(last.decision()).as("the pipeline decided a mix").isPresent();
    assertThat(last.variants()).allSatisfy(v -> assertThat(v.stableRate()).as("μ̂_v of " + v.name()).isPresent());
    double capacity = 0;
    for (int v = 0; v < last.variants().size(); v++) {
      capacity += last.mix().count(v) * last.variants().get(v).stableRate().getAsDouble();
    }
    assertThat(capacity).as("the mix holds λ̂ at ρ = 0.85").isGreaterThanOrEqualTo(last.estimate().orElseThrow().arrivalRate() / 0.85);
    assertThat(stableServe.changesByReason().values().stream().mapToInt(Integer::intValue).sum())
        .as("every change of the mix has the pipeline's reason").isEqualTo(r.run().scalingActions());
  }

  @Test
  void aQuotaStartsNoReplicaBeyondItWhileTheSpecSaysWhatWasAskedFor() {
    List<Mix> seen = new java.util.ArrayList<>();
    MixAutoscaler greedy = asking(Mix.of(1, 4), 60, seen);
    double seconds = 600;
    MixRunResult r = new MixPolicyRun(setup(), BenchVariant.MIXED, List.of(Integer.MAX_VALUE, 1))
        .run(steady(2, seconds), greedy, Mix.of(1, 0));
    assertThat(seen.get(seen.size() - 2)).as("the /scale spec: what was asked").isEqualTo(Mix.of(1, 4));
    assertThat(seen.get(seen.size() - 1)).as("what serves: one a100, the quota").isEqualTo(Mix.of(1, 1));
    assertThat(r.replicaHours().get(1)).as("one a100 from 60 s, the others never created")
        .isCloseTo((seconds - 60) / 3600, within(1e-9));
  }

  @Test
  void stableServeCountsAVariantWhoseReplicasNeverStartAtThoseThatServe() {
    // The a100 at 1.0 per hour is the cheaper capacity, so StableServe asks for it; none ever
    // starts: StableServe finds it stalled and holds the load on h100.
    List<BenchVariant> variants = List.of(BenchVariant.MIXED.get(0), new BenchVariant("a100", BenchEngine.A100, 1.0, 0, 8));
    StableServeMixAutoscaler stableServe = StableServeMixAutoscaler.of(setup(), variants);
    MixRunResult r = new MixPolicyRun(setup(), variants, List.of(Integer.MAX_VALUE, 0))
        .run(steady(120, 900), stableServe, Mix.of(3, 0));
    assertThat(stableServe.changesByReason()).as("it asked for a100").containsKey("CheaperMixStartsFirst");
    MixEvaluation last = stableServe.lastEvaluation().orElseThrow();
    assertThat(last.stalls().get(1).stalled()).as("the a100 stalled: %s; %s", last.message(), stableServe.changesByReason()).isTrue();
    assertThat(last.mix().count(1)).as("asked for none, since none serves").isZero();
    double h100 = last.variants().get(0).stableRate().getAsDouble();
    assertThat(last.mix().count(0) * h100).as("the h100 hold λ̂ at ρ = 0.85")
        .isGreaterThanOrEqualTo(last.estimate().orElseThrow().arrivalRate() / 0.85);
    assertThat(r.replicaHours().get(1)).isZero();
  }
}
