package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stableserve.e2e.ClosedLoop;
import io.stableserve.e2e.ClosedLoopTest;
import io.stableserve.e2e.Cluster;
import io.stableserve.e2e.RealApiServers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The e2e harness's step response ({@link ClosedLoopTest#stepResponse}) on kube-apiserver v1.20.2
 * instead of the mock: the same {@link ClosedLoop} (a real Prometheus, simulated vLLM replicas,
 * {@code stableserve.jar run}), with the install bundle's RBAC and the operator process
 * authenticated as its ServiceAccount, as {@code ./demo.sh --real-apiserver} runs it.
 */
class ClosedLoopOnRealApiServerIT {

  @Test
  void theStepResponseScenarioHoldsOnKubeApiServerWithEveryRequestOfTheOperatorAllowed() throws Exception {
    // the mark before the operator starts, so that its start-up requests count too
    RealApiServers.start(RealApiServers.Flavour.KUBE);
    long mark = AuditLog.mark();
    try (ClosedLoop loop = ClosedLoop.start(Path.of("target", "closed-loop"), Cluster.ApiServer.REAL)) {
      ClosedLoopTest.stepResponse(loop);
    }
    List<JsonNode> operatorRequests = AuditLog.eventsSince(mark).stream()
        .filter(e -> e.at("/user/username").asText().equals(InstalledBundle.USER)).toList();
    assertThat(operatorRequests).as("requests of the operator in the audit log").isNotEmpty()
        .allSatisfy(e -> assertThat(e.at("/responseStatus/code").asInt()).as("%s %s", e.path("verb").asText(),
            e.path("requestURI").asText()).isNotEqualTo(403));
    assertThat(operatorRequests).as("the scale-up, written through the Deployment's /scale")
        .anySatisfy(e -> {
          assertThat(e.at("/objectRef/resource").asText() + "/" + e.at("/objectRef/subresource").asText())
              .isEqualTo("deployments/scale");
          assertThat(e.path("verb").asText()).isIn("update", "patch");
          assertThat(e.at("/responseStatus/code").asInt()).isEqualTo(200);
        });
  }
}
