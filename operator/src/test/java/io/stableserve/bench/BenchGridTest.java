package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.arrivals.Phase;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The grids of the peers' knobs: what they hold, that every point runs, and how the best is picked. */
class BenchGridTest {

  private static final EngineConfig ENGINE = new EngineConfig(65_536, 1024, OptionalInt.of(128), OptionalInt.of(1024),
      new StepTimeModel(0.008, 1e-5, 5e-8));
  private static final BenchSetup SETUP = new BenchSetup(EngineSetup.of(ENGINE), 60, 8192, new ReplicaRange(1, 12), 2.0, 11,
      StableServeSettings.defaults());

  @Test
  void everyPeerHasThreeOrFourSettingsWithItsDocumentedDefaultAmongThem() {
    Map<PolicyKind, String> defaults = new LinkedHashMap<>();
    for (PolicyKind k : PolicyKind.values()) {
      if (!k.isPeer()) {
        continue;
      }
      List<GridPoint> grid = k.grid();
      assertThat(grid).as(k.key()).hasSizeBetween(3, 4);
      assertThat(grid.stream().filter(GridPoint::isDefault)).as(k.key()).hasSize(1);
      assertThat(grid.stream().map(GridPoint::setting).distinct()).as(k.key()).hasSize(grid.size());
      defaults.put(k, k.defaultPoint().setting());
      assertThat(k.defaultPoint().create(SETUP).name()).isEqualTo(k.displayName());
    }
    assertThat(defaults).containsEntry(PolicyKind.HPA_KV, "target 0.80").containsEntry(PolicyKind.KEDA_QUEUE, "threshold 5")
        .containsEntry(PolicyKind.KEDA_TTFT, "threshold 1.00").containsEntry(PolicyKind.WVA_SATURATION, "KV 0.80, queue 5")
        .containsEntry(PolicyKind.KNATIVE_KPA, "target 70");
    assertThat(PolicyKind.STABLESERVE.grid()).hasSize(1);
    assertThat(PolicyKind.SLO_BOUND.grid()).isEmpty();
  }

  @Test
  void theBenchmarkRunsEveryPointOfEverySelectedPeerAndStableServeOnce() {
    Workload chat = new IndependentLengths(LengthDistribution.parse("uniform:100:500"), LengthDistribution.parse("uniform:50:250"));
    double mu = Workloads.stableRate(chat, ENGINE);
    BenchWorkload load = new BenchWorkload("ramp", "μ to 3 μ", 600,
        seed -> new PoissonSource(List.of(new Phase(600, mu, 3 * mu, chat)), false, seed), t -> chat);
    Benchmark.WorkloadRuns runs = new Benchmark(SETUP, List.of(PolicyKind.KEDA_QUEUE, PolicyKind.STABLESERVE, PolicyKind.KEDA_TTFT))
        .run(load);
    assertThat(runs.runs()).hasSize(1 + 4 + 4);
    assertThat(runs.runs().get(0).kind()).as("StableServe first").isEqualTo(PolicyKind.STABLESERVE);
    assertThat(runs.of(PolicyKind.KEDA_QUEUE)).extracting(RunResult::setting)
        .containsExactly("threshold 2", "threshold 5", "threshold 10", "threshold 20");
    assertThat(runs.of(PolicyKind.KEDA_TTFT)).extracting(RunResult::setting)
        .containsExactly("threshold 0.25", "threshold 0.50", "threshold 0.75", "threshold 1.00");
    assertThat(runs.atDefault(PolicyKind.KEDA_QUEUE).orElseThrow().setting()).isEqualTo("threshold 5");
    assertThat(runs.boundRun()).isEmpty();
    // a more eager threshold never asks for fewer GPU-hours on a rising load
    List<RunResult> keda = runs.of(PolicyKind.KEDA_QUEUE);
    assertThat(keda.get(0).gpuHours()).isGreaterThanOrEqualTo(keda.get(3).gpuHours());
  }

  private static RunResult result(PolicyKind kind, String setting, boolean isDefault, double attainment, double gpuHours) {
    return new RunResult(kind, kind.displayName(), setting, isDefault, "w", gpuHours, 100, attainment, 1, 0, 0, 3, 0, List.of());
  }

  @Test
  void theBestSettingHasTheHighestAttainmentThenTheFewestGpuHours() {
    RunResult lax = result(PolicyKind.KEDA_QUEUE, "threshold 20", false, 0.90, 2);
    RunResult def = result(PolicyKind.KEDA_QUEUE, "threshold 5", true, 0.95, 6);
    RunResult tie = result(PolicyKind.KEDA_QUEUE, "threshold 10", false, 0.9497, 4);
    RunResult eager = result(PolicyKind.KEDA_QUEUE, "threshold 2", false, 0.96, 9);
    assertThat(Benchmark.best(List.of(lax, def, tie))).as("0.9497 ties 0.95 (within 0.05 points): fewer GPU-hours").containsSame(tie);
    assertThat(Benchmark.best(List.of(lax, def, tie, eager))).containsSame(eager);

    RunResult ss = result(PolicyKind.STABLESERVE, "operator defaults", true, 0.94, 3);
    Benchmark.WorkloadRuns w = new Benchmark.WorkloadRuns(SETUP, "w", List.of(ss, eager, def, tie, lax), java.util.Optional.empty(), java.util.Optional.empty());
    assertThat(BenchReport.rows(w)).as("StableServe, then the peer's default and its best").containsExactly(ss, def, eager);
    Benchmark.WorkloadRuns same = new Benchmark.WorkloadRuns(SETUP, "w", List.of(ss, def, lax), java.util.Optional.empty(), java.util.Optional.empty());
    assertThat(BenchReport.rows(same)).as("default and best in one row").containsExactly(ss, def);

    StringWriter text = new StringWriter();
    BenchReport.printCellTable(new PrintWriter(text), List.of(w), 2.0);
    assertThat(text.toString()).contains("| threshold 5 (default) |").contains("| threshold 2 (best) |");

    // the summary's cheapest peer as good as StableServe (0.94): threshold 10 (0.9497 at 4 GPU-h), not 2 (9 GPU-h)
    List<BenchReport.Mean> means = BenchReport.means(List.of(w));
    List<BenchReport.Mean> peers = means.stream().filter(m -> m.kind().isPeer()).toList();
    assertThat(BenchReport.cheapestAsGood(peers, 0.94).orElseThrow().setting()).isEqualTo("threshold 10");
    assertThat(peers.stream().min(BenchReport.BEST_MEAN_FIRST).orElseThrow().setting()).isEqualTo("threshold 2");
  }
}
