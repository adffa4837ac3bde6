package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.arrivals.Phase;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every policy on a step of load in the simulated fleet: a short closed loop. */
class PolicyRunSmokeTest {

  static final EngineConfig ENGINE = new EngineConfig(65_536, 1024, OptionalInt.of(128), OptionalInt.of(1024),
      new StepTimeModel(0.008, 1e-5, 5e-8));

  @Test
  void onAStepOfLoadStableServeReachesWhatTheStepNeedsAndTheBoundMeetsTheSlo() {
    Workload chat = new IndependentLengths(LengthDistribution.parse("uniform:100:500"), LengthDistribution.parse("uniform:50:250"));
    double mu = Workloads.stableRate(chat, ENGINE);
    List<Phase> phases = List.of(Phase.constant(300, 0.5 * mu, chat), Phase.constant(900, 3 * mu, chat));
    BenchWorkload step = new BenchWorkload("step", "0.5 μ for 5 min, then 3 μ", 1200,
        seed -> new PoissonSource(phases, false, seed), t -> chat);
    BenchSetup setup = new BenchSetup(EngineSetup.of(ENGINE), 60, 8192, new ReplicaRange(1, 12), 2.0, 11,
        StableServeSettings.defaults());
    Benchmark.WorkloadRuns runs = new Benchmark(setup, List.of(PolicyKind.values())).run(step);
    List<RunResult> results = runs.runs();

    int gridPoints = 0;
    for (PolicyKind k : PolicyKind.values()) {
      gridPoints += k.grid().size();
    }
    assertThat(results).as("every grid point of every policy, and the two bounds").hasSize(gridPoints + 2);
    RunResult bound = runs.boundRun().orElseThrow();
    RunResult stableServe = runs.stableServe().orElseThrow();
    RunResult hpa = runs.atDefault(PolicyKind.HPA_KV).orElseThrow();
    int needed = (int) Math.ceil(3 / 0.85);

    assertThat(runs.bound().orElseThrow().basis()).isEqualTo(SloBound.Basis.SLO);
    assertThat(bound.sloAttainment()).as("the bound's factor meets the SLO").isGreaterThanOrEqualTo(SloBound.TARGET_ATTAINMENT);
    RunResult reactive = runs.reactiveBoundRun().orElseThrow();
    assertThat(runs.reactiveBound().orElseThrow().basis()).isEqualTo(SloBound.Basis.SLO);
    assertThat(reactive.sloAttainment()).isGreaterThanOrEqualTo(SloBound.TARGET_ATTAINMENT);
    assertThat(reactive.gpuHours()).as("without foresight the step costs more than with it").isGreaterThan(bound.gpuHours());
    for (RunResult r : results) {
      assertThat(r.requests()).as("every run sees the same requests").isEqualTo(bound.requests());
    }
    assertThat(last(stableServe)).as("StableServe ends with the replicas 3 μ needs at ρ = 0.85").isGreaterThanOrEqualTo(needed);
    assertThat(peak(hpa)).as("the step is not memory-bound: KV usage stays under the HPA's target").isLessThan(needed);
  }

  @Test
  void theGatewayStageRunsTheSameRequestsWithHeldOnesCounted() {
    Workload chat = new IndependentLengths(LengthDistribution.parse("uniform:100:500"), LengthDistribution.parse("uniform:50:250"));
    double mu = Workloads.stableRate(chat, ENGINE);
    BenchWorkload overload = new BenchWorkload("overload", "2 μ on one replica", 300,
        seed -> new PoissonSource(List.of(Phase.constant(300, 2 * mu, chat)), false, seed), t -> chat);
    BenchSetup pinned = new BenchSetup(EngineSetup.of(ENGINE), 60, 8192, new ReplicaRange(1, 1), 2.0, 11,
        StableServeSettings.defaults());
    BenchSetup gateway = pinned.withStage(Stage.gateway(2));
    GridPoint keda = PolicyKind.KEDA_QUEUE.defaultPoint();
    RunResult p = new PolicyRun(pinned).run(overload, keda, 1);
    RunResult g = new PolicyRun(gateway).run(overload, keda, 1);
    assertThat(g.requests()).isEqualTo(p.requests());
    assertThat(g.peakQueue()).as("the backlog is held at the gateway and counted in the queue").isGreaterThan(100);
    assertThat(g.sloAttainment()).isLessThan(0.9);
  }

  private static RunResult find(List<RunResult> results, String policy) {
    return results.stream().filter(r -> r.policy().equals(policy)).findFirst().orElseThrow();
  }

  private static double last(RunResult r) {
    return r.replicas().get(r.replicas().size() - 1)[1];
  }

  private static double peak(RunResult r) {
    return r.replicas().stream().mapToDouble(p -> p[1]).max().orElseThrow();
  }
}
