package io.stableserve.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.sim.metrics.GatewayExposition;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.testing.FixedArrivals;
import org.junit.jupiter.api.Test;

/**
 * A fleet at zero replicas: its gateway holds every request, exports how many it holds and
 * received, and hands them out in arrival order once replicas serve. Nothing is lost.
 */
class FleetAtZeroTest {

  private static final EngineSetup ENGINE = EngineSetup.of(EngineConfig.of(16 * 4000, 512, new StepTimeModel(0.125, 0, 0)));

  @Test
  void atZeroTheGatewayHoldsEveryRequestAndServesThemAllOnceReplicasStart() {
    Fleet f = new Fleet(FleetSpec.of(ENGINE, 8), FixedArrivals.at(1, 2, 3, 4, 5), new Router.LeastOutstanding(), 0, 1);
    f.advanceTo(5.5);
    assertThat(f.held()).isEqualTo(5);
    assertThat(f.gatewayMetricsPage()).contains(GatewayExposition.QUEUE_SIZE + "{model_name=\"simulated/llm\"} 5")
        .contains(GatewayExposition.REQUESTS_TOTAL + "{model_name=\"simulated/llm\"} 5")
        .contains("# TYPE " + GatewayExposition.QUEUE_SIZE + " gauge").contains("# TYPE " + GatewayExposition.REQUESTS_TOTAL + " counter");

    f.scaleTo(2);
    f.advanceTo(13);
    assertThat(f.held()).as("still starting until 13.5 s").isEqualTo(5);
    f.advanceTo(60);
    assertThat(f.held()).isZero();
    assertThat(f.log().size()).as("every held request served").isEqualTo(5);
    assertThat(f.gatewayMetricsPage()).contains(GatewayExposition.QUEUE_SIZE + "{model_name=\"simulated/llm\"} 0");
    for (int i = 0; i < f.log().size(); i++) {
      // Held from its arrival until the replicas serve at 13.5 s: the wait is in its TTFT.
      assertThat(f.log().arrival(i) + f.log().ttftSeconds(i)).isGreaterThanOrEqualTo(13.5);
    }
  }

  @Test
  void theGatewayPageRefusesCountsThatCannotBe() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayExposition.render(3, 2, "m"))
        .hasMessageContaining("no more than those received");
  }
}
