package io.stableserve.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stableserve.observe.prometheus.PrometheusObservers;
import io.stableserve.reconcile.SchedulerEngineAdvisor;
import io.stableserve.reconcile.OperatorProcess;
import io.stableserve.reconcile.StableServeOperator;
import io.stableserve.settings.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** The lock's retries come up to this factor of the retry period late (Fabric8's and client-go's jitter). */
  private static final double RETRY_JITTER = 1.2;

  /** Set by the shutdown hook before it stops the operator, which ends the leadership too. */
  private final AtomicBoolean stopping = new AtomicBoolean();

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

  @Option(names = "--lease-duration", defaultValue = "15s", paramLabel = "DURATION",
      description = {"How long the Lease holds without a renewal: a standby replica takes over at most this long after "
          + "the leader dies (default: ${DEFAULT-VALUE}; 2s to 5m)."})
  String leaseDuration;

  @Option(names = "--lease-renew-deadline", defaultValue = "10s", paramLabel = "DURATION",
      description = {"How long the leader keeps failing to renew before it stops leading and exits; shorter than "
          + "--lease-duration (default: ${DEFAULT-VALUE}; 1s to 5m)."})
  String renewDeadline;

  @Option(names = "--lease-retry-period", defaultValue = "2s", paramLabel = "DURATION",
      description = {"How often the leader renews and a standby tries to take the Lease; --lease-renew-deadline must be "
          + "longer than 1.2 times it (default: ${DEFAULT-VALUE}; 200ms to 1m)."})
  String retryPeriod;

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
      lease = Optional.of(leaderElection(ns));
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
      stopping.set(true);
      process.close();
      client.close();
      stopped.countDown();
    }, "stableserve-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * The Lease's timings, checked as Kubernetes' own controllers check theirs: the Lease outlives the
   * renew deadline, and the deadline leaves room for a renewal retried with the lock's jitter.
   */
  LeaderElectionConfiguration leaderElection(String namespace) {
    Duration duration = Durations.parse(leaseDuration, "--lease-duration", "2s", "5m");
    Duration deadline = Durations.parse(renewDeadline, "--lease-renew-deadline", "1s", "5m");
    Duration retry = Durations.parse(retryPeriod, "--lease-retry-period", "200ms", "1m");
    if (deadline.compareTo(duration) >= 0) {
      throw new IllegalArgumentException("--lease-renew-deadline (" + renewDeadline + ") must be shorter than --lease-duration ("
          + leaseDuration + ")");
    }
    if (deadline.toMillis() <= RETRY_JITTER * retry.toMillis()) {
      throw new IllegalArgumentException("--lease-renew-deadline (" + renewDeadline + ") must be longer than "
          + RETRY_JITTER + " times --lease-retry-period (" + retryPeriod + ")");
    }
    return new LeaderElectionConfiguration(leaseName, namespace, duration, deadline, retry, null,
        new LeaderCallbacks(() -> {}, this::stoppedLeading, leader -> {}), false);
  }

  /**
   * A leader that lost its Lease exits, and its pod restarts it as a standby. Not the SDK's own
   * exit: that calls System.exit also when the shutdown hook stops the operator, from the hook's
   * thread, where it blocks forever, so a SIGTERM left the leader running until its SIGKILL.
   */
  private void stoppedLeading() {
    if (stopping.get()) {
      return;
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println("error: lost the leader-election Lease; exiting");
    err.flush();
    // off the elector's thread, which the shutdown hook waits for while it stops the operator
    new Thread(() -> System.exit(1), "stableserve-lost-lease").start();
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
