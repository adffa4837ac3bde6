package io.stableserve.sim;

import io.stableserve.testing.FixedArrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.sim.metrics.VllmMetricsSnapshot;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway stage's rule, on a case worked out by hand: one replica whose every step takes
 * 0.125 s (a power of two, so times are exact), K = 1, five requests of 100 prompt tokens at
 * 0.5 s and a sixth at 0.625 s. Request 0 starts at once on the idle engine; request 1 waits in the
 * engine; 2, 3 and 4 are held at the gateway. At each step end the engine admits its waiting
 * request and the gateway hands out the oldest held one, so the first tokens come at 0.625, 0.75,
 * 0.875, … one step apart, in arrival order, and the sixth, arriving at the instant of a step end,
 * queues behind the ones already held.
 */
class FleetGatewayTest {

  private static final EngineSetup ENGINE = EngineSetup.of(EngineConfig.of(16 * 4000, 512, new StepTimeModel(0.125, 0, 0)));

  /** A fixed list of arrivals. */

  private static Fleet fleet(FleetSpec spec, int replicas) {
    return new Fleet(spec, FixedArrivals.at(0.5, 0.5, 0.5, 0.5, 0.5, 0.625), new Router.LeastOutstanding(), replicas, 1);
  }

  @Test
  void theGatewayHoldsWhileEveryReadyReplicaHasKWaitingAndReleasesInArrivalOrderAtEachStepEnd() {
    Fleet f = fleet(FleetSpec.of(ENGINE, 0).withGateway(1), 1);
    Engine engine = f.replicas().get(0).engine();

    f.advanceTo(0.5);
    assertThat(engine.running()).as("request 0 runs at once").isEqualTo(1);
    assertThat(engine.waiting()).as("request 1 fills the replica's one waiting place").isEqualTo(1);
    assertThat(f.sample().atRouter()).as("requests 2, 3 and 4 are held at the gateway").isEqualTo(3);

    f.advanceTo(0.7);
    assertThat(engine.waiting()).as("the step end at 0.625 s admitted request 1 and took request 2 from the gateway").isEqualTo(1);
    assertThat(f.sample().atRouter()).as("3 and 4 still held, and 5, which arrived at 0.625 s, behind them").isEqualTo(3);

    f.advanceTo(0.8);
    assertThat(f.sample().atRouter()).isEqualTo(2);

    f.advanceTo(10);
    assertThat(f.log().size()).isEqualTo(6);
    Map<Long, Double> ttft = new HashMap<>();
    for (int i = 0; i < f.log().size(); i++) {
      ttft.put(f.log().id(i), f.log().ttftSeconds(i));
    }
    // First tokens one step apart, in arrival order; the time held at the gateway counts.
    assertThat(ttft.get(0L)).isCloseTo(0.125, within(1e-12));
    assertThat(ttft.get(1L)).isCloseTo(0.250, within(1e-12));
    assertThat(ttft.get(2L)).isCloseTo(0.375, within(1e-12));
    assertThat(ttft.get(3L)).isCloseTo(0.500, within(1e-12));
    assertThat(ttft.get(4L)).isCloseTo(0.625, within(1e-12));
    assertThat(ttft.get(5L)).as("arrived at 0.625 s, first token at 1.25 s, after request 4's at 1.125 s").isCloseTo(0.625, within(1e-12));

    // vLLM's own TTFT histogram starts when a request reaches the engine: it does not see the gateway.
    VllmMetricsSnapshot m = f.metrics(f.replicas().get(0));
    assertThat(m.timeToFirstToken().count()).isEqualTo(6);
    assertThat(m.timeToFirstToken().sum()).as("0.125 for request 0, then 0.25 each: submitted one step before admission")
        .isCloseTo(0.125 + 5 * 0.25, within(1e-9));
  }

  @Test
  void pinnedRequestsGoToAReplicaOnArrivalAndWaitThere() {
    Fleet f = fleet(FleetSpec.of(ENGINE, 0), 1);
    f.advanceTo(0.5);
    assertThat(f.sample().atRouter()).isZero();
    assertThat(f.replicas().get(0).engine().waiting()).isEqualTo(4);
  }

  @Test
  void heldRequestsGoToTheReplicasWithRoomAndANewReplicaTakesThemWhenReady() {
    // A second replica asked for at 0 s serves from 0.7 s.
    Fleet f = new Fleet(FleetSpec.of(ENGINE, 0.7).withGateway(1), FixedArrivals.at(0.5, 0.5, 0.5, 0.5, 0.5),
        new Router.LeastOutstanding(), 1, 1);
    f.scaleTo(2);
    f.advanceTo(0.5);
    assertThat(f.sample().atRouter()).isEqualTo(3);
    f.advanceTo(0.65);
    assertThat(f.sample().atRouter()).as("the step end at 0.625 s took request 2").isEqualTo(2);
    f.advanceTo(0.7);
    Engine second = f.replicas().get(1).engine();
    assertThat(f.replicas().get(1).state()).isEqualTo(Replica.State.READY);
    assertThat(f.sample().atRouter()).as("the new replica took both held requests").isZero();
    assertThat(second.running()).as("request 3 started at once on the idle replica").isEqualTo(1);
    assertThat(second.waiting()).as("request 4 took its one waiting place").isEqualTo(1);
    f.advanceTo(10);
    int onSecond = 0;
    for (int i = 0; i < f.log().size(); i++) {
      onSecond += f.log().replica(i) == 1 ? 1 : 0;
    }
    assertThat(f.log().size()).isEqualTo(5);
    assertThat(onSecond).isEqualTo(2);
  }

  @Test
  void aGatewayNeedsRoomForAtLeastOneWaitingRequest() {
    assertThatThrownBy(() -> FleetSpec.of(ENGINE, 0).withGateway(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
