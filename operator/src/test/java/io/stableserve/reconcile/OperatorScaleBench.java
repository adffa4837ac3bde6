package io.stableserve.reconcile;

import io.stableserve.testing.EngineSpecs;

import io.stableserve.api.Behavior;
import io.stableserve.api.ReplicaBounds;
import io.stableserve.api.StabilityModelName;
import io.stableserve.observe.prometheus.PrometheusSource;
import io.stableserve.solve.EngineConfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.bench.ServiceLoop;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observer;
import io.stableserve.observe.Signal;
import io.stableserve.solve.ModelKind;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test but the operator's cost with many InferenceServices, run only on request:
 *
 * <pre>./mvnw -B -pl operator test -Dtest=OperatorScaleBench -Dstableserve.bench=true [-Dstableserve.bench.services=1000]</pre>
 *
 * <p>The real operator (JOSDK, the reconciler, its Kubernetes edges: informers, status patches,
 * /scale, events) against Fabric8's CRUD mock API server in the same JVM, for N InferenceServices
 * with a Deployment each, every service reconciled every 15 s. The observe stage is the one part
 * replaced: an observer that answers at once with a synthetic window (no Prometheus). It prints the
 * CPU time of the operator's threads and of the mock server's, per 15 s, and the heap after GC.
 */
@EnableKubernetesMockClient(crud = true)
@EnabledIfSystemProperty(named = "stableserve.bench", matches = "true",
    disabledReason = "a benchmark, not a test: run with -Dstableserve.bench=true")
class OperatorScaleBench {

  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void thousandServicesAtAFifteenSecondPeriod() throws Exception {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    int n = Integer.getInteger("stableserve.bench.services", 1000);
    int measureSeconds = Integer.getInteger("stableserve.bench.seconds", 60);
    String ns = "bench";
    List<ServiceLoop.Service> synthetic = ServiceLoop.create(n, 7).services();
    Map<String, ServiceLoop.Service> bySelector = new HashMap<>();
    AtomicInteger observations = new AtomicInteger();
    Function<PrometheusSource, Observer> observer = config -> window -> {
      ServiceLoop.Service s = bySelector.get(config.selector());
      if (s == null) {
        throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.COMPLETIONS, config.selector(), "unknown service");
      }
      observations.incrementAndGet();
      return ServiceLoop.observation(s, Clock.systemUTC().instant());
    };
    for (int i = 0; i < n; i++) {
      String name = "svc-" + i;
      bySelector.put("model_name=\"" + name + "\"", synthetic.get(i));
      client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
          .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", name).endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
          .withNewSpec().addNewContainer().withName("vllm").withImage("vllm/vllm-openai").endContainer().endSpec()
          .endTemplate().endSpec()
          .withNewStatus().withReplicas(2).withReadyReplicas(2).withAvailableReplicas(2).endStatus().build()).create();
      InferenceServiceSpec spec = spec(ServiceLoop.engineOf(synthetic.get(i)));
      spec.setScaleTargetRef(new ScaleTargetRef("apps/v1", "Deployment", name));
      MetricsSpec metrics = spec.getMetrics();
      metrics.setSelector("model_name=\"" + name + "\"");
      spec.getBehavior().setPollInterval("15s");
      InferenceService svc = new InferenceService();
      svc.getMetadata().setName(name);
      svc.getMetadata().setNamespace(ns);
      svc.setSpec(spec);
      client.resource(svc).create();
    }

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (StableServeOperator operator = StableServeOperator.start(client, new io.stableserve.report.MetricsRecorder(new PrometheusRegistry()),
        new StableServeOperator.Settings(Set.of(), Optional.empty(), false, observer, EngineAdvisor.none(), Clock.systemUTC(),
            Duration.ofSeconds(15)))) {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (countWithStatus(ns) < n && System.nanoTime() < deadline) {
        Thread.sleep(1000);
      }
      assertThat(countWithStatus(ns)).as("services reconciled at least once").isEqualTo(n);
      Map<String, Long> before = cpuByGroup(threads);
      int observedBefore = observations.get();
      long wall = System.nanoTime();
      Thread.sleep(measureSeconds * 1000L);
      double seconds = (System.nanoTime() - wall) / 1e9;
      Map<String, Long> after = cpuByGroup(threads);
      int reconciles = observations.get() - observedBefore;
      System.gc();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf(Locale.ROOT, "%d InferenceServices, %.0f s measured, %d evaluations (%.1f per service per 15 s)%n",
          n, seconds, reconciles, reconciles / (double) n / (seconds / 15));
      double total = 0;
      for (String group : after.keySet()) {
        double cpu = (after.get(group) - before.getOrDefault(group, 0L)) / 1e9;
        total += cpu;
        System.out.printf(Locale.ROOT, "  CPU %-22s %7.2f s = %.3f cores%n", group, cpu, cpu / seconds);
      }
      System.out.printf(Locale.ROOT, "  CPU %-22s %7.2f s = %.3f cores (operator and mock API server together)%n", "all threads", total,
          total / seconds);
      System.out.printf(Locale.ROOT, "  heap after GC (operator, mock API server and its %d stored objects) %.1f MiB of %.0f MiB%n",
          2 * n, heap / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
      assertThat(reconciles).as("every service evaluated in the measured time").isGreaterThanOrEqualTo(n);
    }
  }

  private static int countWithStatus(String ns) {
    return (int) client.resources(InferenceService.class).inNamespace(ns).list().getItems().stream()
        .filter(s -> s.getStatus() != null && s.getStatus().getLastDecision() != null).count();
  }

  /**
   * CPU time of live threads, grouped: Vert.x event loops (the HTTP stack of both the operator's
   * Kubernetes client and the mock API server, which cannot be told apart by thread), and every
   * other thread (reconciler, informers, JSON, the test's setup client, GC, JIT).
   */
  private static Map<String, Long> cpuByGroup(ThreadMXBean threads) {
    Map<String, Long> out = new TreeMap<>();
    for (long id : threads.getAllThreadIds()) {
      ThreadInfo info = threads.getThreadInfo(id);
      long cpu = threads.getThreadCpuTime(id);
      if (info == null || cpu < 0) {
        continue;
      }
      String name = info.getThreadName().toLowerCase(Locale.ROOT);
      String group = name.contains("vert.x") ? "Vert.x event loops" : "other threads";
      out.merge(group, cpu, Long::sum);
    }
    return out;
  }

  /** An InferenceService spec with the engine given, the iterative model and a 2 min start-up; the rest defaults. */
  static InferenceServiceSpec spec(EngineConfig engine) {
    InferenceServiceSpec spec = new InferenceServiceSpec();
    ReplicaBounds replicas = new ReplicaBounds();
    replicas.setMin(1);
    replicas.setMax(64);
    spec.setReplicas(replicas);
    spec.setModel(StabilityModelName.of(ModelKind.ITERATIVE));
    spec.setEngine(EngineSpecs.given(engine));
    Behavior behavior = new Behavior();
    behavior.setReplicaStartupTime("2m");
    spec.setBehavior(behavior);
    MetricsSpec metrics = new MetricsSpec();
    metrics.setPrometheusUrl("http://prometheus.simulated:9090");
    spec.setMetrics(metrics);
    return spec;
  }
}
