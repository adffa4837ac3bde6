package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
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
    // JOSDK asks, before electing, whether it may use Leases; the CRUD mock cannot answer that itself.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
            .withNewMetadata().endMetadata().withNewSpec().withNamespace("ops").endSpec()
            .withNewStatus().withIncomplete(false)
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update").endResourceRule()
            .endStatus().build())
        .always();
    StableServeOperator.Settings settings = new StableServeOperator.Settings(Set.of("llm"),
        // exitOnStopLeading off: the test stops the operator, which must not end the test JVM
        Optional.of(new LeaderElectionConfiguration("stableserve-operator", "ops",
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, "test-replica", null, false)),
        false, new PrometheusObservers(),
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
        lease = client.leases().inNamespace("ops").withName("stableserve-operator").get();
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
