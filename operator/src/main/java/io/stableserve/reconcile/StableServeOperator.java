package io.stableserve.reconcile;

import io.stableserve.observe.prometheus.PrometheusSource;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stableserve.actuate.KubernetesScaleTargets;
import io.stableserve.observe.Observer;
import io.stableserve.report.KubernetesEvents;
import io.stableserve.report.MetricsRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The operator assembled: the reconciler with its Kubernetes edges, registered with the Java
 * Operator SDK for the given namespaces (all when none are given), optionally behind a Lease.
 */
public final class StableServeOperator implements AutoCloseable {

  /**
   * How to run.
   *
   * @param namespaces the namespaces to watch; empty for all
   * @param leaderElection the Lease to hold before reconciling, when several operator replicas run
   * @param checkCrd whether to check at start that the InferenceService CRD is installed
   * @param observers the observe stage for each Prometheus source
   * @param advisor engine recommendations
   * @param clock the time decisions are made at
   * @param maxReconcileInterval a reconciliation happens at least this often even after errors
   */
  public record Settings(Set<String> namespaces, Optional<LeaderElectionConfiguration> leaderElection, boolean checkCrd,
      Function<PrometheusSource, Observer> observers, EngineAdvisor advisor, Clock clock, Duration maxReconcileInterval) {
    public Settings {
      namespaces = Set.copyOf(namespaces);
      Objects.requireNonNull(leaderElection, "leader election");
      Objects.requireNonNull(observers, "observers");
      Objects.requireNonNull(advisor, "engine advisor");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(maxReconcileInterval, "maximum reconcile interval");
    }
  }

  private final Operator operator;
  private final ReconcileLoopWatch loop;

  private StableServeOperator(Operator operator, ReconcileLoopWatch loop) {
    this.operator = operator;
    this.loop = loop;
  }

  public static StableServeOperator start(KubernetesClient client, MetricsRecorder metrics, Settings settings) {
    // Liveness is about real time, whatever clock the decisions are made at.
    ReconcileLoopWatch loop = new ReconcileLoopWatch(Clock.systemUTC(), settings.maxReconcileInterval(), ReconcileLoopWatch.GRACE);
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(loop)
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          .checkingCRDAndValidateLocalModel(settings.checkCrd());
      settings.leaderElection().ifPresent(o::withLeaderElectionConfiguration);
    });
    InferenceServiceReconciler reconciler = new InferenceServiceReconciler(
        new KubernetesScaleTargets(client), settings.observers(), new KubernetesSecrets(client),
        new KubernetesEvents(client, settings.clock()), metrics, settings.advisor(), StatusWriter.kubernetes(), settings.clock());
    operator.register(reconciler, c -> {
      if (settings.namespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.namespaces());
      }
      c.withReconciliationMaxInterval(settings.maxReconcileInterval());
    });
    operator.start();
    return new StableServeOperator(operator, loop);
  }

  /**
   * Started, and the reconcile loop makes progress ({@link ReconcileLoopWatch}); a standby replica
   * waiting for the Lease is alive. Informers that are not watching do not count against it: the
   * SDK exits the process itself when an informer stops for good, and one that is reconnecting
   * waits for the API server, which a restart would not bring back; readiness reports it.
   */
  public boolean alive() {
    return operator.getRuntimeInfo().isStarted() && loop.progressing();
  }

  /** Started, and every informer is connected and synced. */
  public boolean ready() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  ReconcileLoopWatch loop() {
    return loop;
  }

  @Override
  public void close() {
    operator.stop();
  }
}
