package io.stableserve.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.sim.arrivals.Phase;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.sim.metrics.VllmExposition;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetTest {

  static final Workload SMALL = new IndependentLengths(LengthDistribution.parse("uniform:50:150"),
      LengthDistribution.parse("uniform:20:60"));
  static final EngineSetup ENGINE = EngineSetup.of(EngineConfig.of(16 * 2000, 512, new StepTimeModel(0.01, 1e-5, 0)));

  static Fleet fleet(double rate, int replicas, Router router, double startup) {
    return new Fleet(FleetSpec.of(ENGINE, startup), PoissonSource.constant(rate, SMALL, 42), router, replicas, 7);
  }

  @Test
  void roundRobinSpreadsRequestsEvenly() {
    Fleet f = fleet(20, 4, new Router.RoundRobin(), 0);
    f.advanceTo(300);
    long[] perReplica = new long[4];
    for (int i = 0; i < f.log().size(); i++) {
      perReplica[f.log().replica(i)]++;
    }
    long total = f.log().size();
    assertThat(total).isGreaterThan(5500);
    for (long n : perReplica) {
      assertThat(Math.abs(n - total / 4.0)).isLessThanOrEqualTo(5);
    }
  }

  @Test
  void leastOutstandingAvoidsTheBusiestReplica() {
    Fleet f = fleet(5, 2, new Router.LeastOutstanding(), 0);
    Replica busy = f.replicas().get(0);
    // Load replica 0 by hand so that it holds far more than replica 1.
    for (int i = 0; i < 50; i++) {
      busy.engine().submit(1_000_000 + i, 0, 2000, 500);
    }
    f.advanceTo(20);
    long toBusy = 0;
    for (int i = 0; i < f.log().size(); i++) {
      if (f.log().replica(i) == 0 && f.log().id(i) < 1_000_000) {
        toBusy++;
      }
    }
    assertThat(f.log().size()).isGreaterThan(50);
    assertThat(toBusy).isZero();
  }

  @Test
  void newReplicasServeOnlyAfterTheStartUpDelay() {
    Fleet f = fleet(10, 1, new Router.RoundRobin(), 120);
    f.advanceTo(60);
    f.scaleTo(3);
    assertThat(f.sample().starting()).isEqualTo(2);
    assertThat(f.sample().replicas()).isEqualTo(3);
    f.advanceTo(179);
    assertThat(f.replicas().get(1).state()).isEqualTo(Replica.State.STARTING);
    assertThat(f.replicas().get(1).engine().completed() + f.replicas().get(1).engine().inSystem()).isZero();
    f.advanceTo(400);
    assertThat(f.replicas().get(1).state()).isEqualTo(Replica.State.READY);
    double firstAt = Double.POSITIVE_INFINITY;
    for (int i = 0; i < f.log().size(); i++) {
      if (f.log().replica(i) == 1) {
        firstAt = Math.min(firstAt, f.log().arrival(i));
      }
    }
    assertThat(firstAt).isBetween(180.0, 181.0);
    // GPU time: replica 0 for 400 s, replicas 1 and 2 from 60 s.
    assertThat(f.gpuSeconds()).isCloseTo(400 + 2 * 340, within(1e-9));
  }

  @Test
  void removedReplicasDrainAndThenAreGone() {
    Fleet f = fleet(30, 3, new Router.RoundRobin(), 0);
    f.advanceTo(100);
    Replica newest = f.replicas().get(2);
    long before = newest.engine().completed();
    assertThat(newest.engine().inSystem()).isPositive();
    f.scaleTo(2);
    assertThat(newest.state()).isEqualTo(Replica.State.DRAINING);
    long heldWhenRemoved = newest.engine().inSystem();
    f.advanceTo(200);
    assertThat(newest.state()).isEqualTo(Replica.State.GONE);
    assertThat(newest.engine().completed() - before).isEqualTo(heldWhenRemoved);
    assertThat(newest.goneAt()).isBetween(100.0, 110.0);
    for (int i = 0; i < f.log().size(); i++) {
      if (f.log().replica(i) == 2) {
        assertThat(f.log().arrival(i)).isLessThan(100);
      }
    }
    assertThat(f.liveReplicas()).extracting(Replica::name).containsExactly("replica-0", "replica-1");
  }

  @Test
  void requestsWaitAtTheRouterWhileNoReplicaIsReady() {
    Fleet f = fleet(2, 0, new Router.RoundRobin(), 30);
    f.scaleTo(1);
    f.advanceTo(29);
    assertThat(f.sample().atRouter()).isPositive();
    assertThat(f.sample().inSystem()).isEqualTo((int) f.arrivals());
    f.advanceTo(60);
    assertThat(f.sample().atRouter()).isZero();
    // The first requests' TTFT includes the wait for the replica.
    assertThat(f.log().ttftSeconds(0)).isGreaterThan(20);
  }

  @Test
  void exposesEachLiveReplicasMetricsPage() {
    Fleet f = fleet(10, 2, new Router.RoundRobin(), 0);
    f.advanceTo(30);
    String page = f.metricsPage("replica-1", VllmExposition.Dialect.V1);
    assertThat(page).contains("vllm:num_requests_running{model_name=\"simulated/llm\",engine=\"0\"}")
        .contains("vllm:request_success_total");
    List<Replica> live = f.liveReplicas();
    assertThat(live).hasSize(2);
  }

  @Test
  void phasedLoadRaisesTheQueueOnAnUndersizedFleet() {
    PoissonSource source = new PoissonSource(List.of(Phase.constant(200, 5, SMALL), Phase.constant(200, 400, SMALL)),
        false, 1);
    Fleet f = new Fleet(FleetSpec.of(ENGINE, 0), source, new Router.LeastOutstanding(), 1, 1);
    f.advanceTo(200);
    int calm = f.sample().waiting();
    f.advanceTo(400);
    assertThat(calm).isLessThan(5);
    assertThat(f.sample().waiting()).isGreaterThan(1000);
  }
}
