package io.stableserve.e2e;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.FleetClock;
import io.stableserve.sim.FleetSample;
import io.stableserve.sim.FleetSpec;
import io.stableserve.sim.Replica;
import io.stableserve.sim.Router;
import io.stableserve.sim.metrics.VllmExposition;
import io.stableserve.solve.EngineConfig;
import io.stableserve.testing.MetricsEndpoint;
import io.stableserve.testing.PrometheusServer;
import io.stableserve.workload.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A vLLM Deployment played by the simulator: a {@link Fleet} run in real time by a {@link FleetClock},
 * one loopback HTTP {@code /metrics} endpoint in vLLM's format per serving or draining replica, and
 * a loop that stands in for the Deployment controller and the kubelet. It polls the Deployment's
 * {@code spec.replicas} through the API every 250 ms, starts replicas (they serve after the fleet's
 * start-up delay) and drains removed ones, writes {@code status.replicas/readyReplicas}, and hands
 * the current scrape targets to Prometheus's file-based discovery. In front of the replicas a
 * gateway holds the requests that arrive while none is ready, and exports its held requests and the
 * requests it received ({@link Fleet#gatewayMetricsPage()}) on its own endpoint, always scraped.
 */
public final class SimulatedDeployment implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Fleet fleet;
  private final FleetClock clock;
  private final SteerableLoad load;
  private final Consumer<List<PrometheusServer.Target>> targetsChanged;
  private final Map<String, MetricsEndpoint> endpoints = new LinkedHashMap<>();
  private final MetricsEndpoint gateway;
  private final ScheduledExecutorService controller;
  private volatile int specReplicas = -1;
  private volatile RuntimeException lastError;

  /**
   * @param speed simulated seconds per wall second (1: real time)
   * @param targetsChanged receives the scrape targets (with {@code namespace} label) whenever they change
   */
  public SimulatedDeployment(KubernetesClient client, String namespace, String name, String modelName,
      EngineConfig engine, double startupSeconds, double rate, Workload workload, long seed, double speed,
      Consumer<List<PrometheusServer.Target>> targetsChanged) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.targetsChanged = targetsChanged;
    Deployment d = deployment();
    int initial = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    FleetClock[] clockHolder = new FleetClock[1];
    this.load = new SteerableLoad(rate, workload, seed, () -> clockHolder[0] == null ? 0 : clockHolder[0].simulatedTimeNow());
    this.fleet = new Fleet(new FleetSpec(EngineSetup.of(engine), startupSeconds, modelName, 16_384), load,
        new Router.RoundRobin(), initial, seed);
    this.clock = new FleetClock(fleet, speed);
    clockHolder[0] = clock;
    this.specReplicas = initial;
    this.gateway = MetricsEndpoint.start(fleet::gatewayMetricsPage);
    clock.start(50);
    this.controller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "deployment-" + namespace);
      t.setDaemon(true);
      return t;
    });
    sync();
    // The gateway is scraped from the start, replicas or none.
    targetsChanged.accept(targets());
    controller.scheduleWithFixedDelay(this::syncQuietly, 250, 250, TimeUnit.MILLISECONDS);
  }

  private Deployment deployment() {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
    if (d == null) {
      throw new IllegalStateException("Deployment " + namespace + "/" + name + " does not exist");
    }
    return d;
  }

  private void syncQuietly() {
    try {
      sync();
      lastError = null;
    } catch (RuntimeException e) {
      // A conflict with the operator's write or a slow API call: the next tick tries again.
      lastError = e;
    }
  }

  private synchronized void sync() {
    Deployment d = deployment();
    int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    if (want != specReplicas) {
      fleet.scaleTo(want);
      specReplicas = want;
    }
    boolean changed = false;
    List<String> live = new ArrayList<>();
    for (Replica r : fleet.liveReplicas()) {
      if (r.state() == Replica.State.READY || r.state() == Replica.State.DRAINING) {
        live.add(r.name());
      }
    }
    for (String replica : live) {
      if (!endpoints.containsKey(replica)) {
        endpoints.put(replica, MetricsEndpoint.start(() -> fleet.metricsPage(replica, VllmExposition.Dialect.V1)));
        changed = true;
      }
    }
    for (var it = endpoints.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!live.contains(e.getKey())) {
        e.getValue().close();
        it.remove();
        changed = true;
      }
    }
    if (changed) {
      targetsChanged.accept(targets());
    }
    FleetSample s = fleet.sample();
    Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    Integer replicas = d.getStatus() == null ? null : d.getStatus().getReplicas();
    Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
    // A real API server raises the generation on each write of spec.replicas; the controller says it saw it.
    if (ready == null || ready != s.ready() || replicas == null || replicas != s.replicas()
        || !java.util.Objects.equals(d.getMetadata().getGeneration(), observed)) {
      d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
          .withReplicas(s.replicas()).withUpdatedReplicas(s.replicas())
          .withReadyReplicas(s.ready()).withAvailableReplicas(s.ready()).build());
      client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
    }
  }

  /** The scrape targets now, labelled with the namespace as a pod's would be by service discovery. */
  public synchronized List<PrometheusServer.Target> targets() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(gateway), endpoints.values().stream())
        .map(e -> new PrometheusServer.Target(e.address(), Map.of("namespace", namespace)))
        .toList();
  }

  public Fleet fleet() {
    return fleet;
  }

  public SteerableLoad load() {
    return load;
  }

  public FleetClock clock() {
    return clock;
  }

  /** The simulated time now. */
  public double now() {
    return clock.simulatedTimeNow();
  }

  /** The last error of the controller loop, if its last tick failed. */
  public RuntimeException lastError() {
    return lastError;
  }

  @Override
  public synchronized void close() {
    controller.shutdownNow();
    clock.close();
    endpoints.values().forEach(MetricsEndpoint::close);
    endpoints.clear();
    gateway.close();
  }
}
