package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.arrivals.Phase;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.solve.EngineConfig;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every scale-to-zero contender on a busy quarter hour, 40 quiet minutes and a few stray requests. */
class ZeroBenchmarkTest {

  private static final EngineConfig ENGINE = PolicyRunSmokeTest.ENGINE;

  @Test
  void policiesAllowedToGoToZeroSpendLessInTheQuietAndTheirStrayRequestsPayTheStartUp() {
    Workload chat = new IndependentLengths(LengthDistribution.parse("uniform:100:500"), LengthDistribution.parse("uniform:50:250"));
    double mu = Workloads.stableRate(chat, ENGINE);
    List<Phase> phases = List.of(Phase.constant(900, mu, chat), Phase.constant(2400, 0, chat), Phase.constant(600, 1.0 / 60, chat));
    BenchWorkload quiet = new BenchWorkload("quiet", "μ for 15 min, 40 min of nothing, a request a minute for 10 min", 3900,
        seed -> new PoissonSource(phases, false, seed), t -> chat);
    BenchSetup setup = new BenchSetup(EngineSetup.of(ENGINE), 60, 8192, new ReplicaRange(1, 12), 2.0, 11,
        StableServeSettings.defaults(), "test", Stage.gateway(Stage.DEFAULT_GATEWAY_WAITING_LIMIT));
    Map<String, ZeroBenchmark.ZeroRun> runs = new ZeroBenchmark(setup).run(quiet).stream()
        .collect(Collectors.toMap(ZeroBenchmark.ZeroRun::policy, Function.identity()));
    assertThat(runs).hasSize(ZeroBenchmark.contenders().size());

    for (ZeroBenchmark.ZeroRun r : runs.values()) {
      assertThat(r.result().ttftP99()).as("%s: every request served", r.policy()).isFinite();
      if (r.policy().contains("min 1")) {
        assertThat(r.coldStarts()).as("%s: never at zero", r.policy()).isZero();
      } else {
        assertThat(r.coldStarts()).as("%s: the stray requests found it at zero", r.policy()).isPositive();
        assertThat(r.coldTtftMax()).as("%s: a cold start waits for a start-up", r.policy()).isGreaterThanOrEqualTo(60);
      }
    }
    double stableServe = runs.get("StableServe, min 1").result().gpuHours();
    assertThat(runs.get("StableServe, to zero after 2m").result().gpuHours()).isLessThan(runs.get("StableServe, to zero after 30m")
        .result().gpuHours());
    assertThat(runs.get("StableServe, to zero after 30m").result().gpuHours()).isLessThan(stableServe);
    assertThat(runs.get("KEDA (queue and gateway), min 0").result().gpuHours())
        .isLessThan(runs.get("KEDA (queue and gateway), min 1").result().gpuHours());
    assertThat(runs.get("Knative KPA, to zero").result().gpuHours()).isLessThan(runs.get("Knative KPA, min 1").result().gpuHours());
  }
}
