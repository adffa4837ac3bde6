package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.Recommendation;
import io.stableserve.e2e.RealApiServers;
import io.stableserve.observe.prometheus.PrometheusObservers;
import io.stableserve.reconcile.OperatorProcess;
import io.stableserve.reconcile.SchedulerEngineAdvisor;
import io.stableserve.reconcile.StableServeOperator;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The closed loop on kube-apiserver v1.20.2: the operator runs in-process as its ServiceAccount with
 * the install bundle's RBAC, reads a real Prometheus on loopback that scrapes simulated vLLM
 * replicas ({@link SimulatedService}), and scales a real Deployment through its {@code /scale}
 * subresource.
 *
 * <p>The load rises (one replica to the model's count of three), falls, and the operator is stopped
 * and started again inside the scale-down window: the window, kept in the InferenceService's
 * status, still holds the count until it ends.
 */
class OperatorScalesOnRealApiServerIT {

    private static final String NAMESPACE = "scaling";
  private static final String NAME = "llama-scaled";
  private static final Duration SCALE_DOWN_WINDOW = Duration.ofSeconds(20);

  @Test
  void theOperatorScalesARealDeploymentUpAndDownAndKeepsTheScaleDownWindowAcrossARestart() throws Exception {
    KubernetesClient admin = InstalledBundle.admin();
    long auditOffset = AuditLog.mark();

    double low = SimulatedService.LOW;
    double high = SimulatedService.HIGH;
    int lowCount = SimulatedService.count(low);
    int highCount = SimulatedService.count(high);
    assertThat(lowCount).as("the model's count at the low load").isEqualTo(1);
    assertThat(highCount).as("the model's count at the high load").isEqualTo(3);

    try (SimulatedService service = SimulatedService.start(admin, NAMESPACE, NAME, low, SCALE_DOWN_WINDOW)) {
      Instant windowEnd;
      try (Running operator = Running.start()) {
        // 1. At the low load the operator sees λ̂ and holds one replica.
        service.await("a stable evaluation at 1 replica with λ̂ near " + SimulatedService.fmt(low), s -> s.getReplicas() == 1
            && s.isTrue(Conditions.STABLE) && s.getWorkload() != null
            && Math.abs(s.getWorkload().getArrivalRate() - low) < 0.3 * low, Duration.ofSeconds(90));
        assertThat(service.specReplicas()).isEqualTo(1);

        // 2. The load rises: the operator writes the model's count through /scale.
        service.offer(high);
        service.awaitTrue(() -> service.specReplicas() == highCount, Duration.ofSeconds(60),
            () -> "the Deployment at " + highCount + " replicas");
        InferenceServiceStatus up = service.await("Stable=True at " + highCount + " ready replicas",
            s -> s.getReplicas() == highCount && s.isTrue(Conditions.STABLE), Duration.ofSeconds(60));
        assertThat(up.getDesiredReplicas()).isEqualTo(highCount);
        assertThat(service.events("SuccessfulRescale")).as("the rescale Event of the scale-up")
            .anySatisfy(e -> assertThat(e.getMessage()).contains(String.valueOf(highCount)));

        // 3. The load falls: the model's count drops to one; the scale-down window holds three.
        service.offer(low);
        InferenceServiceStatus held = service.await("a scale-down held by the window", s -> s.getLastDecision() != null
            && "ScaleDownStabilization".equals(s.getLastDecision().getReason()), Duration.ofSeconds(60));
        assertThat(service.specReplicas()).as("replicas while the window holds").isEqualTo(highCount);
        windowEnd = lastRecommendationOf(held, highCount).plus(SCALE_DOWN_WINDOW);
        assertThat(windowEnd).as("the window still runs when the operator stops").isAfter(Instant.now().plusSeconds(5));
      }
      // 4. The operator stops in the middle of the window and starts again a few seconds later.
      Thread.sleep(3000);
      assertThat(service.specReplicas()).isEqualTo(highCount);
      Instant restarted = Instant.now();
      try (Running operator = Running.start()) {
        Instant scaledDown = null;
        InferenceServiceStatus heldAfterRestart = null;
        while (Instant.now().isBefore(windowEnd.plusSeconds(45))) {
          InferenceServiceStatus s = service.status();
          int replicas = service.specReplicas();
          if (replicas < highCount) {
            scaledDown = Instant.now();
            break;
          }
          if (heldAfterRestart == null && s.getLastDecision() != null && s.getLastDecision().getTime() != null
              && Instant.parse(s.getLastDecision().getTime()).isAfter(restarted)
              && Instant.parse(s.getLastDecision().getTime()).isBefore(windowEnd)
              && "ScaleDownStabilization".equals(s.getLastDecision().getReason())
              && s.getLastDecision().getTo() == highCount) {
            heldAfterRestart = s;
          }
          Thread.sleep(200);
        }
        InferenceServiceStatus after = service.status();
        assertThat(heldAfterRestart).as("a decision of the restarted operator inside the window that held %d replicas; status:\n%s",
            highCount, SimulatedService.yaml(after)).isNotNull();
        System.out.printf(Locale.ROOT, "restarted %s; held by the window after the restart: %s%n", restarted,
            heldAfterRestart.getLastDecision().getMessage());
        assertThat(scaledDown).as("a scale-down after the window, status:\n%s", SimulatedService.yaml(after)).isNotNull();
        assertThat(scaledDown).as("the restarted operator waited for the window that ended at %s; status:\n%s",
            windowEnd, SimulatedService.yaml(after)).isAfterOrEqualTo(windowEnd);
        service.awaitTrue(() -> service.specReplicas() == lowCount, Duration.ofSeconds(30),
            () -> "the Deployment back at " + lowCount + " replica");
        service.await("status at " + lowCount + " replica", s -> s.getReplicas() == lowCount, Duration.ofSeconds(30));
        System.out.printf(Locale.ROOT, "scale-down window ended %s, scale-down seen %s%n", windowEnd, scaledDown);
      } finally {
        System.out.println(service.describe());
      }
    }

    // The audit log: the /scale writes were the operator's, as its ServiceAccount, none refused.
    List<JsonNode> scaleWrites = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (JsonNode event : AuditLog.eventsSince(auditOffset)) {
      JsonNode ref = event.path("objectRef");
      int code = event.at("/responseStatus/code").asInt();
      if (event.at("/user/username").asText().equals(InstalledBundle.USER) && code == 403) {
        refused.add(event.path("verb").asText() + " " + event.path("requestURI").asText());
      }
      if (ref.path("resource").asText().equals("deployments") && ref.path("name").asText().equals(NAME)
          && ref.path("subresource").asText().equals("scale") && !event.path("verb").asText().equals("get")) {
        scaleWrites.add(event);
      }
    }
    scaleWrites.forEach(e -> System.out.printf(Locale.ROOT, "audit: %s %s %s by %s -> %d%n", e.path("stageTimestamp").asText(),
        e.path("verb").asText(), e.path("requestURI").asText(), e.at("/user/username").asText(), e.at("/responseStatus/code").asInt()));
    assertThat(refused).as("requests of the operator that RBAC refused").isEmpty();
    assertThat(scaleWrites).as("writes of /scale of the Deployment").hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(e -> assertThat(e.at("/user/username").asText()).isEqualTo(InstalledBundle.USER))
        .anySatisfy(e -> assertThat(e.at("/responseStatus/code").asInt()).isEqualTo(200));
  }

  /** The time of the newest recommendation of at least {@code replicas} the status keeps. */
  private static Instant lastRecommendationOf(InferenceServiceStatus status, int replicas) {
    return status.getRecommendations().stream()
        .filter(r -> r.getReplicas() >= replicas)
        .map(Recommendation::getTime)
        .map(Instant::parse)
        .max(Comparator.naturalOrder())
        .orElseThrow(() -> new AssertionError("no recommendation of " + replicas + " in the status:\n" + SimulatedService.yaml(status)));
  }

  /** The operator in-process as its ServiceAccount, with leader election as it is deployed. */
  private record Running(KubernetesClient client, OperatorProcess process) implements AutoCloseable {

    static Running start() throws IOException {
      StableServeOperator.Settings settings = new StableServeOperator.Settings(Set.of(),
          Optional.of(new LeaderElectionConfiguration("stableserve-operator", InstalledBundle.SYSTEM,
              LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
              // the same identity each start, as a restarted pod of a StatefulSet; not exiting the JVM when it stops leading
              LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, "stableserve-it", null, false)),
          false, new PrometheusObservers(), SchedulerEngineAdvisor.standard(), Clock.systemUTC(), Duration.ofMinutes(2));
      KubernetesClient client = RealApiServers.kubeOperator();
      try {
        return new Running(client, OperatorProcess.start(client, settings, 0, 0));
      } catch (IOException | RuntimeException e) {
        client.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        process.close();
      } finally {
        client.close();
      }
    }
  }
}
