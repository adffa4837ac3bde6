package io.stableserve.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stableserve.observe.prometheus.PrometheusObservers;
import io.stableserve.reconcile.SchedulerEngineAdvisor;
import io.stableserve.reconcile.OperatorProcess;
import io.stableserve.reconcile.StableServeOperator;
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
      String ns = leaseNamespace != null && !leaseNamespace.isBlank() ? leaseNamespace : client.getNamespace();
      if (ns == null) {
        throw new IllegalArgumentException("no namespace for the leader-election Lease: give --lease-namespace");
      }
      lease = Optional.of(new LeaderElectionConfiguration(leaseName, ns));
    }
    OperatorProcess process;
    try {
      process = OperatorProcess.start(client, new StableServeOperator.Settings(
          watched, lease, false, new PrometheusObservers(), SchedulerEngineAdvisor.standard(), Clock.systemUTC(), Duration.ofMinutes(2)),
          metricsPort, healthPort);
    } catch (OperatorException e) {
      client.close();
      spec.commandLine().getErr().printf("error: the operator could not start against %s: %s; check the kubeconfig "
          + "context (or KUBECONFIG), that the cluster is reachable and that the InferenceService CRD is installed%n",
          client.getMasterUrl(), rootCause(e));
      return 1;
    }
    out.printf("stableserve operator running against %s, watching %s%s; /metrics on :%d, /healthz and /readyz on :%d%n",
        client.getMasterUrl(), watched.isEmpty() ? "all namespaces" : String.join(",", watched),
        lease.map(l -> ", leader election with Lease " + l.getLeaseNamespace().orElse("?") + "/" + l.getLeaseName()).orElse(""),
        process.metricsPort(), process.healthPort());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      process.close();
      client.close();
      stopped.countDown();
    }, "stableserve-shutdown"));
    stopped.await();
    return 0;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
