package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stableserve.observe.prometheus.PrometheusObservers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator process: health and readiness, /metrics, and leader election through a Lease. */
@EnableKubernetesMockClient(crud = true)
class OperatorProcessTest {

  KubernetesMockServer server;
  KubernetesClient client;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesHealthReadinessAndMetricsAndHoldsTheLease() throws Exception {
    LeaseAccess.allow(server, "ops");
    StableServeOperator.Settings settings = new StableServeOperator.Settings(Set.of("llm"),
        Optional.of(LeaseAccess.election("ops", "test-replica")), false, new PrometheusObservers(),
        EngineAdvisor.none(), Clock.systemUTC(), Duration.ofMinutes(2));
    try (OperatorProcess process = OperatorProcess.start(client, settings, 0, 0)) {
      assertThat(get(process.healthPort(), "/healthz").statusCode()).isEqualTo(200);
      awaitStatus(process.healthPort(), "/readyz", 200);
      HttpResponse<String> metrics = get(process.metricsPort(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("stableserve_reconcile_duration_seconds");

      Instant deadline = Instant.now().plusSeconds(20);
      Lease lease = null;
      while (Instant.now().isBefore(deadline) && (lease == null || lease.getSpec().getHolderIdentity() == null)) {
        lease = client.leases().inNamespace("ops").withName(LeaseAccess.LEASE_NAME).get();
        Thread.sleep(200);
      }
      assertThat(lease).as("the leader-election Lease").isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    }
  }

  private void awaitStatus(int port, String path, int status) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    int last = -1;
    while (Instant.now().isBefore(deadline)) {
      last = get(port, path).statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(path + " answered " + last + ", not " + status);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
