package io.stableserve.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.observe.PrometheusObserver;
import io.stableserve.reconcile.EngineAdvisor;
import io.stableserve.reconcile.StableServeOperator;
import io.stableserve.report.HealthServer;
import io.stableserve.report.MetricsRecorder;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the operator, against the cluster of the current kubeconfig (or in-cluster). */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the StableServe operator against the cluster of the current kubeconfig context "
        + "(in a pod: its service account).",
        "Serves /metrics on the metrics port and /healthz and /readyz on the health port."})
public final class RunCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"--watch-namespaces", "--namespaces"}, split = ",", paramLabel = "NS[,NS...]",
      description = "Watch only these namespaces; empty or omitted: all namespaces.")
  List<String> namespaces = List.of();

  @Option(names = "--leader-election", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Hold a Lease before reconciling, so several operator replicas can run (default: ${DEFAULT-VALUE}).")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = "stableserve-operator",
      description = "Name of the leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = {"--leader-election-namespace", "--lease-namespace"},
      description = "Namespace of the Lease (default: the operator's own namespace, from the service account or kubeconfig).")
  String leaseNamespace;

  @Option(names = "--metrics-port", defaultValue = "8080", description = "Port of /metrics (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--health-port", defaultValue = "8081", description = "Port of /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    KubernetesClient client = new KubernetesClientBuilder().build();
    Set<String> watched = new LinkedHashSet<>();
    namespaces.stream().map(String::strip).filter(n -> !n.isEmpty()).forEach(watched::add);
    Optional<LeaderElectionConfiguration> lease = Optional.empty();
    if (leaderElection) {
      String ns = leaseNamespace != null ? leaseNamespace : client.getNamespace();
      if (ns == null) {
        throw new IllegalArgumentException("no namespace for the leader-election Lease: give --lease-namespace");
      }
      lease = Optional.of(new LeaderElectionConfiguration(leaseName, ns));
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    MetricsRecorder metrics = new MetricsRecorder(registry);
    StableServeOperator operator = StableServeOperator.start(client, metrics, new StableServeOperator.Settings(
        watched, lease, false, new PrometheusObserver(), EngineAdvisor.none(), Clock.systemUTC(), Duration.ofMinutes(2)));
    HTTPServer metricsServer = HTTPServer.builder().port(metricsPort).registry(registry).buildAndStart();
    HealthServer health = HealthServer.start(healthPort, operator::alive, operator::ready);
    out.printf("stableserve operator running against %s, watching %s%s; /metrics on :%d, /healthz and /readyz on :%d%n",
        client.getMasterUrl(), watched.isEmpty() ? "all namespaces" : String.join(",", watched),
        lease.map(l -> ", leader election with Lease " + l.getLeaseNamespace().orElse("?") + "/" + l.getLeaseName()).orElse(""),
        metricsPort, healthPort);
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      health.close();
      metricsServer.close();
      operator.close();
      client.close();
      stopped.countDown();
    }, "stableserve-shutdown"));
    stopped.await();
    return 0;
  }
}
