package io.stableserve.it;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.e2e.SimulatedDeployment;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An InferenceService on kube-apiserver and the Deployment it scales, played by the e2e harness's
 * {@link SimulatedDeployment}: simulated vLLM replicas, one {@code /metrics} endpoint per ready
 * replica, scraped by a real Prometheus on loopback. kube-apiserver runs no controller-manager, so
 * the simulation stands in for it: it follows the Deployment's {@code spec.replicas} and writes
 * {@code status.replicas/readyReplicas}. Read as the administrator.
 */
final class SimulatedService implements AutoCloseable {

  /** About 9.8 req/s of short prompts per replica: a 20 s window holds a few hundred arrivals. */
  static final EngineConfig ENGINE = EngineConfig.of(40_000, 512, new StepTimeModel(0.025, 7.5e-5, 0)).withMaxNumSeqs(48);
  static final Workload SHORT = new IndependentLengths(LengthDistribution.parse("uniform:20:300"),
      LengthDistribution.parse("uniform:50:250"));
  static final double TARGET_UTILIZATION = 0.8;
  private static final Capacity REPLICA = StabilityModels.of(ModelKind.SCHEDULER).solve(SHORT, ENGINE);
  private static final double STARTUP_SECONDS = 2;
  /** Half of what one replica serves at the target utilization: the model's count is one. */
  static final double LOW = 0.5 * perReplica();
  /** Two and a half replicas' worth: the model's count is three. */
  static final double HIGH = 2.5 * perReplica();

  private final KubernetesClient admin;
  private final String namespace;
  private final String name;
  private final PrometheusServer prometheus;
  private final SimulatedDeployment vllm;

  private SimulatedService(KubernetesClient admin, String namespace, String name, PrometheusServer prometheus,
      SimulatedDeployment vllm) {
    this.admin = admin;
    this.namespace = namespace;
    this.name = name;
    this.prometheus = prometheus;
    this.vllm = vllm;
  }

  /** The arrival rate at which one replica runs at the target utilization. */
  static double perReplica() {
    return TARGET_UTILIZATION * REPLICA.stableRate();
  }

  /** The model's replica count for an arrival rate. */
  static int count(double rate) {
    return Provisioning.plan(REPLICA, rate, TARGET_UTILIZATION).replicas();
  }

  /**
   * The namespace, a Deployment of one replica, its simulation at {@code rate} and the
   * InferenceService (at most six replicas, a 1 s poll, a 20 s window); a service of the same name
   * left by an earlier run is deleted first, so that its status does not come along.
   */
  static SimulatedService start(KubernetesClient admin, String namespace, String name, double rate, Duration scaleDownWindow) {
    InstalledBundle.apply(admin, InstalledBundle.namespaceAndDeployment(namespace, name));
    admin.resources(InferenceService.class).inNamespace(namespace).withName(name).withTimeout(30, TimeUnit.SECONDS).delete();
    PrometheusServer prometheus = PrometheusServer.start();
    try {
      SimulatedDeployment vllm = new SimulatedDeployment(admin, namespace, name, name, ENGINE, STARTUP_SECONDS, rate, SHORT, 7,
          1.0, prometheus::setTargets);
      InstalledBundle.apply(admin, """
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
          """.formatted(namespace, name, TARGET_UTILIZATION, prometheus.url(), scaleDownWindow.toSeconds()));
      return new SimulatedService(admin, namespace, name, prometheus, vllm);
    } catch (RuntimeException e) {
      prometheus.close();
      throw e;
    }
  }

  /** Offers {@code rate} from now on. */
  void offer(double rate) {
    vllm.load().set(rate, SHORT);
  }

  InferenceServiceStatus status() {
    InferenceService s = admin.resources(InferenceService.class).inNamespace(namespace).withName(name).get();
    return s == null ? null : s.getStatus();
  }

  int specReplicas() {
    return admin.apps().deployments().inNamespace(namespace).withName(name).get().getSpec().getReplicas();
  }

  List<Event> events(String reason) {
    return admin.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  /** Waits for a status that meets the condition and returns it; fails describing what was seen. */
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

  void awaitTrue(BooleanSupplier check, Duration timeout, Supplier<String> what) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (check.getAsBoolean()) {
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
    admin.v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
        .forEach(e -> b.append(String.format(Locale.ROOT, "  %s %-8s %-24s x%d %s%n", e.getLastTimestamp(), e.getType(),
            e.getReason(), e.getCount() == null ? 1 : e.getCount(), e.getMessage())));
    return b.toString();
  }

  static String fmt(double x) {
    return String.format(Locale.ROOT, "%.2f", x);
  }

  static String yaml(Object o) {
    return o == null ? "none" : Serialization.asYaml(o);
  }

  /** Stops the simulation and Prometheus and deletes the service: other tests of this JVM need not see it. */
  @Override
  public void close() {
    try {
      vllm.close();
      prometheus.close();
    } finally {
      admin.resources(InferenceService.class).inNamespace(namespace).withName(name).withTimeout(30, TimeUnit.SECONDS).delete();
    }
  }
}
