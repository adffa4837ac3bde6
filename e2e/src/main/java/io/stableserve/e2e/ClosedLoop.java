package io.stableserve.e2e;

import io.stableserve.api.SloSpec;
import io.stableserve.api.TtftObjective;

import io.stableserve.sim.StabilityModels;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.stableserve.api.Behavior;
import io.stableserve.api.EngineSpec;
import io.stableserve.api.InferenceService;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.Mode;
import io.stableserve.api.ReplicaBounds;
import io.stableserve.api.ScaleDownRules;
import io.stableserve.api.ScaleUpRules;
import io.stableserve.api.StepTimeSpec;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.Provisioning;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.testing.PrometheusServer;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The whole system on loopback: the cluster (API server mock, or kube-apiserver, with the CRD), a real Prometheus
 * scraping every second with file-based discovery, the operator process ({@code stableserve.jar
 * run}), and one simulated vLLM Deployment per service that follows the replica count the operator
 * writes. Each service lives in its own namespace, so scenarios can share one Prometheus and one
 * operator.
 *
 * <p>The engine every replica simulates (and the InferenceService declares) is chosen so that one
 * replica's stable rate is a few requests per second, so the simulation stays cheap on two cores:
 * KV cache 40,000 tokens, chunk 512, max_num_seqs 48, step time 0.1 s + 3·10⁻⁴ s per computed token.
 * With short prompts ({@link #SHORT}) the sequence cap binds (about 2.5 req/s per replica); with
 * long prompts ({@link #LONG}) the KV cache does, and at max_num_seqs 48 it thrashes: 0.56 req/s
 * under the scheduler model (the operator's default) where the iterative model says 0.67.
 */
public final class ClosedLoop implements AutoCloseable {

  public static final String MODEL_NAME = "llama-3-1-8b";
  public static final EngineConfig ENGINE = EngineConfig.of(40_000, 512, new StepTimeModel(0.1, 3e-4, 0))
      .withMaxNumSeqs(48);
  /**
   * The same engine with four times shorter steps: about 9.8 req/s of short prompts per replica,
   * nearer a real replica's rate. A 20 s window then holds a few hundred arrivals, enough to tell
   * replica counts apart within seconds of a step in load (at {@link #ENGINE}'s 2.5 req/s it holds
   * a quarter of that; see docs/operator.md).
   */
  public static final EngineConfig FAST_ENGINE = EngineConfig.of(40_000, 512, new StepTimeModel(0.025, 7.5e-5, 0))
      .withMaxNumSeqs(48);
  public static final Workload SHORT = new IndependentLengths(LengthDistribution.parse("uniform:20:300"),
      LengthDistribution.parse("uniform:50:250"));
  public static final Workload LONG = new IndependentLengths(LengthDistribution.parse("uniform:1500:2500"),
      LengthDistribution.parse("uniform:50:250"));
  public static final double TARGET_UTILIZATION = 0.8;
  /** Simulated seconds from a replica's creation to its first request. */
  public static final double STARTUP_SECONDS = 8;

  /** The key of the operator's own scrape target among the namespaces' targets (not a namespace name). */
  private static final String OPERATOR_TARGETS = " operator";

  private final Path repository;
  private final Path workDir;
  private final Cluster cluster;
  private final PrometheusServer prometheus;
  private final OperatorJar operator;
  private final Map<String, List<PrometheusServer.Target>> targets = new ConcurrentHashMap<>();
  private final List<SimulatedDeployment> deployments = new ArrayList<>();

  private ClosedLoop(Path repository, Path workDir, Cluster cluster, PrometheusServer prometheus, OperatorJar operator) {
    this.repository = repository;
    this.workDir = workDir;
    this.cluster = cluster;
    this.prometheus = prometheus;
    this.operator = operator;
  }

  /** Starts the loop on the API server mock. */
  public static ClosedLoop start(Path workDir) {
    return start(workDir, Cluster.ApiServer.MOCK);
  }

  /** Starts the cluster, Prometheus and the operator; {@code workDir} gets the kubeconfig and the operator's log. */
  public static ClosedLoop start(Path workDir, Cluster.ApiServer apiServer) {
    Path repository = repositoryRoot();
    Path jar = OperatorJar.jar(repository);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workDir, e);
    }
    Cluster cluster = Cluster.start(apiServer, repository, workDir);
    PrometheusServer prometheus = null;
    try {
      prometheus = PrometheusServer.start();
      OperatorJar operator = OperatorJar.start(jar, cluster.kubeconfig(), workDir.resolve("operator.log"));
      return new ClosedLoop(repository, workDir, cluster, prometheus, operator);
    } catch (RuntimeException e) {
      if (prometheus != null) {
        prometheus.close();
      }
      cluster.close();
      throw e;
    }
  }

  /** The checkout: the first folder at or above the working directory with {@code crds/} and {@code deploy/samples/}. */
  public static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("crds")) && Files.isDirectory(d.resolve("deploy/samples"))) {
        return d;
      }
    }
    throw new IllegalStateException("no StableServe checkout (crds/ and deploy/samples/) at or above " + dir);
  }

  /**
   * Deploys one service into its own namespace: the sample vLLM Deployment at one replica, its
   * simulated fleet under {@code rate} req/s of {@code workload}, and the InferenceService.
   */
  public Served deploy(String namespace, Mode mode, double rate, Workload workload, long seed) {
    return deploy(namespace, mode, rate, workload, seed, ENGINE);
  }

  /** The same with replicas (and a declared engine) of {@code engine}. */
  public Served deploy(String namespace, Mode mode, double rate, Workload workload, long seed, EngineConfig engine) {
    return deploy(namespace, mode, rate, workload, seed, engine, Optional.empty());
  }

  /** The same with a TTFT objective in the InferenceService's spec. */
  public Served deploy(String namespace, Mode mode, double rate, Workload workload, long seed, Optional<TtftObjective> slo) {
    return deploy(namespace, mode, rate, workload, seed, ENGINE, slo);
  }

  private Served deploy(String namespace, Mode mode, double rate, Workload workload, long seed, EngineConfig engine,
      Optional<TtftObjective> slo) {
    return deploy(namespace, mode, rate, workload, seed, engine, s -> slo.ifPresent(o -> s.getSpec().setSlo(new SloSpec(o))));
  }

  /**
   * The same with the InferenceService of {@link #service} changed by {@code change} before it is
   * created (e.g. allowed to go to zero).
   */
  public Served deploy(String namespace, double rate, Workload workload, long seed, Consumer<InferenceService> change) {
    return deploy(namespace, Mode.Enforce, rate, workload, seed, ENGINE, change);
  }

  private Served deploy(String namespace, Mode mode, double rate, Workload workload, long seed, EngineConfig engine,
      Consumer<InferenceService> change) {
    // create or update: a real API server started before this loop may hold them from an earlier run
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
        .build()).createOr(NonDeletingOperation::update);
    Deployment d = cluster.sampleDeployment(namespace);
    d.getSpec().setReplicas(1);
    cluster.client().resource(d).createOr(NonDeletingOperation::update);
    String name = d.getMetadata().getName();
    SimulatedDeployment fleet = new SimulatedDeployment(cluster.client(), namespace, name, MODEL_NAME, engine,
        STARTUP_SECONDS, rate, workload, seed, 1.0, list -> {
          targets.put(namespace, list);
          prometheus.setTargets(targets.values().stream().flatMap(List::stream).toList());
        });
    synchronized (deployments) {
      deployments.add(fleet);
    }
    InferenceService service = service(namespace, mode, engine);
    change.accept(service);
    Resource<InferenceService> earlier = cluster.client().resource(service);
    if (earlier.get() != null) {
      earlier.withTimeout(30, TimeUnit.SECONDS).delete();  // so that its status does not come along
    }
    cluster.client().resource(service).create();
    return new Served(this, namespace, service.getMetadata().getName(), fleet);
  }

  /**
   * {@code deploy/samples/inferenceservice-full.yaml} with what differs for a loop that runs minutes,
   * not hours: this Prometheus, a selector of the namespace, the simulated engine's settings, a 20 s
   * window, polled every second, a 15 s scale-up settle time, a 30 s scale-down window, an 8 s
   * start-up, at most 8 replicas, and scale-down by more than one replica a step (so a fall in load
   * is one decision). The
   * gateway's queries of the sample are dropped: there is no gateway here, vLLM's counters give the
   * arrivals. So is the sample's SLO: these scenarios size by the target utilisation.
   */
  public InferenceService service(String namespace, Mode mode, EngineConfig engineConfig) {
    InferenceService s = cluster.sampleService("inferenceservice-full.yaml", namespace);
    s.getSpec().setMode(mode);
    s.getSpec().setReplicas(new ReplicaBounds(1, 8));
    s.getSpec().setTargetUtilization(TARGET_UTILIZATION);
    s.getSpec().setSlo(null);
    EngineSpec engine = s.getSpec().getEngine();
    engine.setKvCacheTokens(engineConfig.kvCacheTokens());
    engine.setChunkTokens(engineConfig.chunkTokens());
    engine.setMaxNumSeqs(engineConfig.maxNumSeqs().getAsInt());
    engine.setMaxBatchedTokens(null);
    engine.setStepTime(new StepTimeSpec(engineConfig.stepTime().baseSeconds(), engineConfig.stepTime().secondsPerToken(),
        engineConfig.stepTime().secondsPerKvToken()));
    MetricsSpec metrics = s.getSpec().getMetrics();
    metrics.setPrometheusUrl(prometheus.url().toString());
    metrics.setSelector("namespace=\"" + namespace + "\",model_name=\"" + MODEL_NAME + "\"");
    metrics.setWindow("20s");
    metrics.setTimeout("2s");
    metrics.setQueries(null);
    Behavior behavior = s.getSpec().getBehavior();
    ScaleUpRules up = new ScaleUpRules();
    up.setStabilizationWindow("0s");
    up.setSettleTime("15s");
    up.setMaxReplicasPerStep(4);
    behavior.setScaleUp(up);
    ScaleDownRules down = new ScaleDownRules();
    down.setStabilizationWindow("30s");
    down.setMaxReplicasPerStep(4);
    behavior.setScaleDown(down);
    behavior.setReplicaStartupTime("8s");
    behavior.setPollInterval("1s");
    return s;
  }

  /**
   * Has Prometheus scrape the operator's own {@code /metrics} too, as a ServiceMonitor on the operator
   * does in a cluster: what a KEDA ScaledObject or an HPA reads in Metric mode. Returns its address.
   */
  public String scrapeOperator() {
    targets.put(OPERATOR_TARGETS, List.of(PrometheusServer.Target.of(operator.metricsAddress())));
    prometheus.setTargets(targets.values().stream().flatMap(List::stream).toList());
    return operator.metricsAddress();
  }

  /** Deletes the service's InferenceService and stops its fleet, so it costs nothing in later scenarios. */
  public void retire(Served served) {
    cluster.client().resources(InferenceService.class).inNamespace(served.namespace()).delete();
    served.deployment().close();
    synchronized (deployments) {
      deployments.remove(served.deployment());
    }
    targets.remove(served.namespace());
    prometheus.setTargets(targets.values().stream().flatMap(List::stream).toList());
  }

  /** One replica's capacity for a workload, as the operator's default model (scheduler) solves it for the declared engine. */
  public static Capacity capacity(Workload workload) {
    return StabilityModels.of(ModelKind.SCHEDULER).solve(workload, ENGINE);
  }

  /** The same, as the iterative model solves it: the formula that does not see preemption. */
  public static Capacity iterativeCapacity(Workload workload) {
    return StabilityModels.of(ModelKind.ITERATIVE).solve(workload, ENGINE);
  }

  /** The same for replicas of {@code engine}. */
  public static Capacity capacity(Workload workload, EngineConfig engine) {
    return StabilityModels.of(ModelKind.SCHEDULER).solve(workload, engine);
  }

  /** The replicas the model asks for at a rate: ⌈λ / (ρ·μ)⌉. */
  public static int replicasFor(double rate, Workload workload) {
    return replicasFor(rate, workload, ENGINE);
  }

  /** The same for replicas of {@code engine}. */
  public static int replicasFor(double rate, Workload workload, EngineConfig engine) {
    return Provisioning.plan(capacity(workload, engine), rate, TARGET_UTILIZATION).replicas();
  }

  public Cluster cluster() {
    return cluster;
  }

  public PrometheusServer prometheus() {
    return prometheus;
  }

  public OperatorJar operator() {
    return operator;
  }

  public Path workDir() {
    return workDir;
  }

  public Path repository() {
    return repository;
  }

  @Override
  public void close() {
    synchronized (deployments) {
      deployments.forEach(SimulatedDeployment::close);
    }
    operator.close();
    prometheus.close();
    cluster.close();
  }
}
