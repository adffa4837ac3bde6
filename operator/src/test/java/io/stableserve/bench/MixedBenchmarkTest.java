package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.arrivals.Phase;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every mixed-fleet policy on one short workload: the runs, their requests, the restricted fleets and the oracle's factor. */
class MixedBenchmarkTest {

  @Test
  void everyPolicyRunsTheSameRequestsAndTheOneTypeRunsUseOnlyTheirType() {
    Workload chat = new IndependentLengths(LengthDistribution.parse("uniform:100:500"), LengthDistribution.parse("uniform:50:250"));
    double mu = Workloads.stableRate(chat, BenchEngine.H100.config());
    BenchWorkload step = new BenchWorkload("step", "μ, then 3 μ of the h100", 600,
        seed -> new PoissonSource(List.of(Phase.constant(300, mu, chat), Phase.constant(300, 3 * mu, chat)), false, seed),
        t -> chat);
    BenchSetup setup = new BenchSetup(BenchVariant.MIXED.get(0).setup(), 60, 32768, new ReplicaRange(1, 40), 2.0, 3,
        StableServeSettings.defaults());
    List<EmpiricalCapacity> capacities = BenchVariant.MIXED.stream().map(v -> new EmpiricalCapacity(v.setup(), 3)).toList();
    MixedBenchmark.WorkloadRuns runs = new MixedBenchmark(setup, BenchVariant.MIXED, capacities).run(step);

    int expected = 1 + SaturationScaler.Thresholds.GRID.size() + 1 + BenchVariant.MIXED.size() + 2;
    assertThat(runs.runs()).hasSize(expected);
    assertThat(runs.stableServe().policy()).isEqualTo(StableServeMixAutoscaler.NAME);
    assertThat(runs.oracleRun().policy()).isEqualTo(OracleMix.NAME);
    assertThat(runs.reactiveRun().policy()).isEqualTo(ReactiveMixBound.NAME);
    assertThat(runs.of(VariantSaturationScaler.NAME)).hasSize(SaturationScaler.Thresholds.GRID.size());
    for (MixRunResult r : runs.runs()) {
      assertThat(r.run().requests()).as(r.label() + " sees the same requests").isEqualTo(runs.stableServe().run().requests());
      assertThat(r.cost()).as(r.label()).isEqualTo(MixRunResult.cost(r.replicaHours(), BenchVariant.MIXED));
    }
    MixRunResult h100Only = runs.of(StableServeAutoscaler.NAME + ", h100 only").get(0);
    MixRunResult a100Only = runs.of(StableServeAutoscaler.NAME + ", a100 only").get(0);
    assertThat(h100Only.replicaHours().get(1)).isZero();
    assertThat(a100Only.replicaHours().get(0)).isZero();
    assertThat(runs.oracle().basis()).as("3 μ is within the fleet's bounds").isEqualTo(SloBound.Basis.SLO);
    assertThat(runs.oracleRun().sloAttainment()).isGreaterThanOrEqualTo(SloBound.TARGET_ATTAINMENT);
    assertThat(runs.reactive().basis()).isEqualTo(SloBound.Basis.SLO);
    assertThat(runs.reactiveRun().sloAttainment()).isGreaterThanOrEqualTo(SloBound.TARGET_ATTAINMENT);
    assertThat(runs.reactiveRun().cost()).as("knowing the step only once it has come costs more than knowing it ahead")
        .isGreaterThan(runs.oracleRun().cost());
    assertThat(runs.peers()).hasSize(expected - 3).doesNotContain(runs.stableServe(), runs.reactiveRun(), runs.oracleRun());
  }
}
