package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceService;
import io.stableserve.e2e.SimulatedDeployment;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.Recommendation;
import io.stableserve.observe.prometheus.PrometheusObservers;
import io.stableserve.reconcile.OperatorProcess;
import io.stableserve.reconcile.SchedulerEngineAdvisor;
import io.stableserve.reconcile.StableServeOperator;
import io.stableserve.sim.StabilityModels;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.Provisioning;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.testing.PrometheusServer;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The closed loop on kube-apiserver v1.20.2: the operator runs in-process as its ServiceAccount with
 * the install bundle's RBAC, reads a real Prometheus on loopback that scrapes simulated vLLM
 * replicas (the project's fleet simulator, one {@code /metrics} endpoint per ready replica), and
 * scales a real Deployment through its {@code /scale} subresource. kube-apiserver runs no
 * controller-manager, so the test stands in for it: it follows the Deployment's
 * {@code spec.replicas} with the simulated fleet and writes {@code status.replicas/readyReplicas}
 * through the status subresource.
 *
 * <p>The load rises (one replica to the model's count of three), falls, and the operator is stopped
 * and started again inside the scale-down window: the window, kept in the InferenceService's
 * status, still holds the count until it ends.
 */
class OperatorScalesOnRealApiServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = "scaling";
  private static final String NAME = "llama-scaled";
  /** About 9.8 req/s of short prompts per replica: a 20 s window holds a few hundred arrivals. */
  private static final EngineConfig ENGINE = EngineConfig.of(40_000, 512, new StepTimeModel(0.025, 7.5e-5, 0))
      .withMaxNumSeqs(48);
  private static final Workload SHORT = new IndependentLengths(LengthDistribution.parse("uniform:20:300"),
      LengthDistribution.parse("uniform:50:250"));
  private static final double TARGET_UTILIZATION = 0.8;
  private static final Duration SCALE_DOWN_WINDOW = Duration.ofSeconds(20);
  private static final double STARTUP_SECONDS = 2;

  @Test
  void theOperatorScalesARealDeploymentUpAndDownAndKeepsTheScaleDownWindowAcrossARestart() throws Exception {
    KubernetesClient admin = InstalledBundle.admin();
    long auditOffset = AuditLog.mark();

    Capacity replica = StabilityModels.of(ModelKind.SCHEDULER).solve(SHORT, ENGINE);
    double perReplica = TARGET_UTILIZATION * replica.stableRate();
    double low = 0.5 * perReplica;
    double high = 2.5 * perReplica;
    int lowCount = Provisioning.plan(replica, low, TARGET_UTILIZATION).replicas();
    int highCount = Provisioning.plan(replica, high, TARGET_UTILIZATION).replicas();
    assertThat(lowCount).as("the model's count at the low load").isEqualTo(1);
    assertThat(highCount).as("the model's count at the high load").isEqualTo(3);

    apply(admin, """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %2$s}}
          template:
            metadata: {labels: {app: %2$s}}
            spec: {containers: [{name: vllm, image: vllm/vllm-openai:v0.11.0}]}
        """.formatted(NAMESPACE, NAME));

    // a service left by an earlier run on servers that were already running would bring its status along
    admin.resources(InferenceService.class).inNamespace(NAMESPACE).withName(NAME).withTimeout(30, TimeUnit.SECONDS).delete();

    try (PrometheusServer prometheus = PrometheusServer.start();
         SimulatedDeployment vllm = new SimulatedDeployment(admin, NAMESPACE, NAME, NAME, ENGINE, STARTUP_SECONDS, low,
             SHORT, 7, 1.0, prometheus::setTargets)) {
      apply(admin, service(prometheus));
      Loop loop = new Loop(admin, vllm);
      Instant windowEnd;
      try (Running operator = Running.start()) {
        // 1. At the low load the operator sees λ̂ and holds one replica.
        loop.await("a stable evaluation at 1 replica with λ̂ near " + fmt(low), s -> s.getReplicas() == 1
            && s.isTrue(Conditions.STABLE) && s.getWorkload() != null
            && Math.abs(s.getWorkload().getArrivalRate() - low) < 0.3 * low, Duration.ofSeconds(90));
        assertThat(loop.specReplicas()).isEqualTo(1);

        // 2. The load rises: the operator writes the model's count through /scale.
        vllm.load().set(high, SHORT);
        loop.awaitTrue(() -> loop.specReplicas() == highCount, Duration.ofSeconds(60),
            () -> "the Deployment at " + highCount + " replicas");
        InferenceServiceStatus up = loop.await("Stable=True at " + highCount + " ready replicas",
            s -> s.getReplicas() == highCount && s.isTrue(Conditions.STABLE), Duration.ofSeconds(60));
        assertThat(up.getDesiredReplicas()).isEqualTo(highCount);
        assertThat(loop.events("SuccessfulRescale")).as("the rescale Event of the scale-up")
            .anySatisfy(e -> assertThat(e.getMessage()).contains(String.valueOf(highCount)));

        // 3. The load falls: the model's count drops to one; the scale-down window holds three.
        vllm.load().set(low, SHORT);
        InferenceServiceStatus held = loop.await("a scale-down held by the window", s -> s.getLastDecision() != null
            && "ScaleDownStabilization".equals(s.getLastDecision().getReason()), Duration.ofSeconds(60));
        assertThat(loop.specReplicas()).as("replicas while the window holds").isEqualTo(highCount);
        windowEnd = lastRecommendationOf(held, highCount).plus(SCALE_DOWN_WINDOW);
        assertThat(windowEnd).as("the window still runs when the operator stops").isAfter(Instant.now().plusSeconds(5));
      }
      // 4. The operator stops in the middle of the window and starts again a few seconds later.
      Thread.sleep(3000);
      assertThat(loop.specReplicas()).isEqualTo(highCount);
      Instant restarted = Instant.now();
      try (Running operator = Running.start()) {
        Instant scaledDown = null;
        InferenceServiceStatus heldAfterRestart = null;
        while (Instant.now().isBefore(windowEnd.plusSeconds(45))) {
          InferenceServiceStatus s = loop.status();
          int replicas = loop.specReplicas();
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
        InferenceServiceStatus after = loop.status();
        assertThat(heldAfterRestart).as("a decision of the restarted operator inside the window that held %d replicas; status:\n%s",
            highCount, yaml(after)).isNotNull();
        System.out.printf(Locale.ROOT, "restarted %s; held by the window after the restart: %s%n", restarted,
            heldAfterRestart.getLastDecision().getMessage());
        assertThat(scaledDown).as("a scale-down after the window, status:\n%s", yaml(after)).isNotNull();
        assertThat(scaledDown).as("the restarted operator waited for the window that ended at %s; status:\n%s",
            windowEnd, yaml(after)).isAfterOrEqualTo(windowEnd);
        loop.awaitTrue(() -> loop.specReplicas() == lowCount, Duration.ofSeconds(30),
            () -> "the Deployment back at " + lowCount + " replica");
        loop.await("status at " + lowCount + " replica", s -> s.getReplicas() == lowCount, Duration.ofSeconds(30));
        System.out.printf(Locale.ROOT, "scale-down window ended %s, scale-down seen %s%n", windowEnd, scaledDown);
      } finally {
        System.out.println(loop.describe());
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

    // its Prometheus is gone: other tests of this JVM need not see it
    admin.resources(InferenceService.class).inNamespace(NAMESPACE).withName(NAME).withTimeout(30, TimeUnit.SECONDS).delete();
  }

  /** The InferenceService: the simulated engine, this Prometheus, short windows and a 1 s poll. */
  private static String service(PrometheusServer prometheus) {
    return """
        apiVersion: stableserve.io/v1alpha1
        kind: InferenceService
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %2$s}
          replicas: {min: 1, max: 6}
          targetUtilization: %3$s
          model: Scheduler
          mode: Enforce
          engine:
            kvCacheTokens: 40000
            chunkTokens: 512
            maxNumSeqs: 48
            stepTime: {baseSeconds: 0.025, secondsPerToken: 7.5e-5, secondsPerKvToken: 0}
          metrics:
            prometheusUrl: %4$s
            timeout: 2s
            selector: namespace="%1$s",model_name="%2$s"
            window: 20s
          behavior:
            scaleUp: {stabilizationWindow: 0s, settleTime: 10s, maxReplicasPerStep: 4}
            scaleDown: {stabilizationWindow: %5$ds, maxReplicasPerStep: 4}
            replicaStartupTime: 5s
            pollInterval: 1s
        """.formatted(NAMESPACE, NAME, TARGET_UTILIZATION, prometheus.url(), SCALE_DOWN_WINDOW.toSeconds());
  }

  /** The time of the newest recommendation of at least {@code replicas} the status keeps. */
  private static Instant lastRecommendationOf(InferenceServiceStatus status, int replicas) {
    return status.getRecommendations().stream()
        .filter(r -> r.getReplicas() >= replicas)
        .map(Recommendation::getTime)
        .map(Instant::parse)
        .max(Comparator.naturalOrder())
        .orElseThrow(() -> new AssertionError("no recommendation of " + replicas + " in the status:\n" + yaml(status)));
  }

  private static void apply(KubernetesClient admin, String yaml) {
    for (HasMetadata object : admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      admin.resource(object).createOr(NonDeletingOperation::update);
    }
  }

  private static String fmt(double x) {
    return String.format(Locale.ROOT, "%.2f", x);
  }

  private static String yaml(Object o) {
    return o == null ? "none" : Serialization.asYaml(o);
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

  /** Reads the service and its Deployment as an administrator. */
  private record Loop(KubernetesClient admin, SimulatedDeployment vllm) {

    InferenceService service() {
      return admin.resources(InferenceService.class).inNamespace(NAMESPACE).withName(NAME).get();
    }

    InferenceServiceStatus status() {
      InferenceService s = service();
      return s == null ? null : s.getStatus();
    }

    int specReplicas() {
      return admin.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get().getSpec().getReplicas();
    }

    List<Event> events(String reason) {
      return admin.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
          .filter(e -> reason.equals(e.getReason())).toList();
    }

    InferenceServiceStatus await(String what, Predicate<InferenceServiceStatus> condition, Duration timeout) {
      InferenceServiceStatus[] seen = new InferenceServiceStatus[1];
      awaitTrue(() -> {
        seen[0] = status();
        try {
          return seen[0] != null && condition.test(seen[0]);
        } catch (NullPointerException e) {
          return false;
        }
      }, timeout, () -> what);
      return seen[0];
    }

    void awaitTrue(Supplier<Boolean> check, Duration timeout, Supplier<String> what) {
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        if (check.get()) {
          return;
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      throw new AssertionError(what.get() + " did not happen within " + timeout + "; offered " + fmt(vllm.load().rate())
          + " req/s\n" + describe());
    }

    /** Spec replicas, the status, and the Events of the namespace. */
    String describe() {
      StringBuilder b = new StringBuilder("Deployment spec.replicas ").append(specReplicas())
          .append("\nInferenceService status:\n").append(yaml(status())).append("Events:\n");
      admin.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
          .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
          .forEach(e -> b.append(String.format(Locale.ROOT, "  %s %-8s %-24s x%d %s%n", e.getLastTimestamp(), e.getType(),
              e.getReason(), e.getCount() == null ? 1 : e.getCount(), e.getMessage())));
      return b.toString();
    }
  }
}
