package io.stableserve.reconcile;

import io.stableserve.bench.HorizontalPodAutoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.api.Behavior;
import io.stableserve.api.Conditions;
import io.stableserve.api.EngineSpec;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.Mode;
import io.stableserve.api.ReplicaBounds;
import io.stableserve.api.ScaleDownRules;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.api.StepTimeSpec;
import io.stableserve.observe.prometheus.PrometheusObservers;

import io.stableserve.testing.MetricsEndpoint;
import io.stableserve.testing.PrometheusServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator (JOSDK, the real reconciler and its Kubernetes edges) against Fabric8's CRUD mock
 * API server and a real Prometheus that scrapes vLLM pages whose load the test sets. Each test has
 * its own namespace and model name; one Prometheus and one operator serve them all.
 *
 * <p>The CRUD mock serves GET /scale as the whole object and applies a JSON merge patch sent to
 * /scale to the object itself (a PUT of a Scale body would replace the object), which is why the
 * actuator patches: the same call works on a real API server.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorIntegrationTest {

  static KubernetesMockServer server;
  static KubernetesClient client;
  /** The operator's own client: its User-Agent tells its requests from the test's. */
  static KubernetesClient operatorClient;
  static final String OPERATOR_AGENT = "stableserve-operator-under-test";

  static PrometheusServer prometheus;
  static StableServeOperator operator;
  static PrometheusRegistry registry;
  static final List<MetricsEndpoint> endpoints = new ArrayList<>();
  static final Map<String, ControlledVllm> engines = new java.util.concurrent.ConcurrentHashMap<>();
  static ScheduledExecutorService deploymentController;

  static final String LEASE_NAMESPACE = "stableserve-system";
  static final String WINDOW = "20s";
  static final double RHO = 0.8;
  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext SCALED_OBJECTS =
      new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("keda.sh").withVersion("v1alpha1")
          .withKind("ScaledObject").withPlural("scaledobjects").withNamespaced(true).build();

  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext LEADER_WORKER_SETS =
      new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("leaderworkerset.x-k8s.io")
          .withVersion("v1").withKind("LeaderWorkerSet").withPlural("leaderworkersets").withNamespaced(true).build();
  /** Served so that the operator finds the kind by API discovery, as on a cluster with LeaderWorkerSet installed. */
  static final CustomResourceDefinition LEADER_WORKER_SET_CRD = new CustomResourceDefinitionBuilder()
      .withNewMetadata().withName("leaderworkersets.leaderworkerset.x-k8s.io").endMetadata()
      .withNewSpec().withGroup("leaderworkerset.x-k8s.io").withScope("Namespaced")
      .withNewNames().withKind("LeaderWorkerSet").withPlural("leaderworkersets").withSingular("leaderworkerset").endNames()
      .addNewVersion().withName("v1").withServed(true).withStorage(true)
      .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
      .endOpenAPIV3Schema().endSchema()
      .withNewSubresources().withNewScale().withSpecReplicasPath(".spec.replicas").withStatusReplicasPath(".status.replicas")
      .endScale().endSubresources()
      .endVersion().endSpec().build();

  /** Held so the level sticks: the mock server logs every request at INFO. */
  static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  @BeforeAll
  static void start() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    prometheus = PrometheusServer.start();
    for (String model : List.of("scaling", "recommend", "hpa", "keda", "missing", "down", "thrash")) {
      ControlledVllm engine = new ControlledVllm(model, 1.0);
      engines.put(model, engine);
      endpoints.add(MetricsEndpoint.start(engine::render));
    }
    prometheus.setTargets(endpoints.stream().map(e -> PrometheusServer.Target.of(e.address())).toList());
    registry = new PrometheusRegistry();
    LeaseAccess.allow(server, LEASE_NAMESPACE);
    operatorClient = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT).build()).build();
    operator = StableServeOperator.start(operatorClient, new io.stableserve.report.MetricsRecorder(registry), new StableServeOperator.Settings(
        Set.of(), Optional.of(LeaseAccess.election(LEASE_NAMESPACE, OPERATOR_AGENT)), false, new PrometheusObservers(), OperatorIntegrationTest::adviseSmallerBatch, Clock.systemUTC(),
        Duration.ofSeconds(30)));
    // Stands in for the Deployment controller: every replica asked for is ready at once.
    deploymentController = Executors.newSingleThreadScheduledExecutor();
    deploymentController.scheduleWithFixedDelay(OperatorIntegrationTest::markReady, 0, 200, TimeUnit.MILLISECONDS);
  }

  @AfterAll
  static void stop() {
    if (deploymentController != null) {
      deploymentController.shutdownNow();
    }
    if (operator != null) {
      operator.close();
    }
    endpoints.forEach(MetricsEndpoint::close);
    if (prometheus != null) {
      prometheus.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    apiCallsOfTheOperatorAreExactlyThePermissionList();
  }

  /** Calls the operator makes that need no rule in the operator's RBAC. */
  static final Map<ApiCalls, String> GRANTED_OUTSIDE = Map.of(
      new ApiCalls("authorization.k8s.io", "selfsubjectrulesreviews", "create"),
      "JOSDK asks whether it may use Leases before electing; the built-in ClusterRole system:basic-user lets every"
          + " authenticated user ask");

  /** Verbs granted that no call uses. */
  static final Map<ApiCalls, String> GRANTED_NOT_CALLED = Map.of(
      new ApiCalls("coordination.k8s.io", "leases", "update"),
      "Fabric8's Lease lock renews with patch, but JOSDK's check before electing (LeaderElectionManager) requires"
          + " get, create and update; without update the operator refuses to start");

  /**
   * Every request the operator sent is allowed by {@link io.stableserve.api.OperatorPermissions#ALL},
   * and every verb there was used by some request: a grant nothing uses fails as an ungranted call does.
   */
  static void apiCallsOfTheOperatorAreExactlyThePermissionList() {
    java.util.Set<ApiCalls> calls = new java.util.TreeSet<>();
    int requests = server.getRequestCount();
    for (int i = 0; i < requests; i++) {
      io.fabric8.mockwebserver.http.RecordedRequest r;
      try {
        r = server.takeRequest(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (r != null && OPERATOR_AGENT.equals(r.getHeader("User-Agent"))) {
        ApiCalls.of(r.getMethod(), r.getPath()).ifPresent(calls::add);
      }
    }
    assertThat(calls).as("the operator's API calls").isNotEmpty()
        .contains(new ApiCalls("apps", "deployments/scale", "patch"), new ApiCalls("", "events", "create"),
            new ApiCalls("stableserve.io", "inferenceservices/status", "patch"));
    ApiCalls.Disagreement d = ApiCalls.compare(calls, io.stableserve.api.OperatorPermissions.ALL, GRANTED_OUTSIDE,
        GRANTED_NOT_CALLED);
    assertThat(d.ungranted()).as("calls the operator made that OperatorPermissions.ALL does not grant (calls made: %s)", calls)
        .isEmpty();
    assertThat(d.unused()).as("verbs OperatorPermissions.ALL grants that no call used (calls made: %s)", calls).isEmpty();
  }

  @Test
  void scalesUpWhenLoadRisesAndDownAfterTheWindowWhenItFalls() {
    String ns = "scaling";
    deployment(ns, 1);
    InferenceService svc = client.resource(service(ns, ns, "http://" + prometheus.url().getAuthority(), Mode.Enforce)).create();

    InferenceService first = await(ns, s -> s.getStatus() != null && s.getStatus().getCapacity() != null, Duration.ofSeconds(60));
    double mu = first.getStatus().getCapacity().getStableRatePerReplica();
    assertThat(first.getStatus().getCapacity().getKvCacheTokensSource()).hasToString("Given");
    assertThat(first.getStatus().getObservedGeneration()).isEqualTo(svc.getMetadata().getGeneration());
    assertThat(operator.loop().expects(new ResourceID(ns, ns))).as("liveness watches the reconciliations").isTrue();

    // 3.5 replicas' worth of load at ρ: four replicas
    engines.get(ns).setRate(3.5 * RHO * mu);
    awaitReplicas(ns, 4, Duration.ofSeconds(60));
    InferenceService up = await(ns, s -> s.getStatus().getDesiredReplicas() == 4 && s.getStatus().getReplicas() == 4, Duration.ofSeconds(20));
    assertThat(up.getStatus().isTrue(Conditions.READY)).isTrue();
    assertThat(up.getStatus().isTrue(Conditions.METRICS_AVAILABLE)).isTrue();
    assertThat(up.getStatus().isTrue(Conditions.TARGET_RESOLVED)).isTrue();
    assertThat(up.getStatus().isTrue(Conditions.STABLE)).isTrue();
    assertThat(up.getStatus().getLastScaleTime()).isNotNull();
    assertThat(up.getStatus().getWorkload().getArrivalRate()).isGreaterThan(2.5 * RHO * mu);
    assertThat(up.getStatus().getMetricNames()).anyMatch(n -> n.startsWith("completions=vllm:request_success_total"));
    assertThat(up.getStatus().getRecommendations()).isNotEmpty();
    List<Event> rescales = events(ns, Conditions.SUCCESSFUL_RESCALE);
    assertThat(rescales).isNotEmpty();
    assertThat(rescales).allSatisfy(e -> assertThat(e.getMessage()).contains("reason: LoadAboveTarget"));
    assertThat(rescales.get(rescales.size() - 1).getMessage()).startsWith("New size: 4;");

    // Load falls to under one replica's worth: scale-down waits for the 10 s window, then goes to 1
    Instant dropped = Instant.now();
    engines.get(ns).setRate(0.4 * RHO * mu);
    InferenceService held = await(ns, s -> Conditions.SCALE_DOWN_STABILIZATION.equals(s.getStatus().getLastDecision().getReason())
        || Conditions.WITHIN_MARGIN.equals(s.getStatus().getLastDecision().getReason()), Duration.ofSeconds(40));
    assertThat(replicas(ns)).isEqualTo(4);
    awaitReplicas(ns, 1, Duration.ofSeconds(90));
    assertThat(Duration.between(dropped, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(events(ns, Conditions.SUCCESSFUL_RESCALE)).anySatisfy(e -> assertThat(e.getMessage()).contains("LoadBelowTarget"));

    // A spec change is observed: observedGeneration follows metadata.generation
    InferenceService current = client.resources(InferenceService.class).inNamespace(ns).withName(ns).get();
    current.getSpec().getReplicas().setMax(6);
    InferenceService edited = client.resource(current).update();
    await(ns, s -> edited.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration()), Duration.ofSeconds(20));
    assertThat(edited.getMetadata().getGeneration()).isGreaterThan(svc.getMetadata().getGeneration());
    String scraped = scrape();
    assertThat(scraped).contains("stableserve_desired_replicas{name=\"scaling\",namespace=\"scaling\"} 1.0")
        .contains("stableserve_reconciliations_total{result=\"success\"}")
        .contains("stableserve_scaling_decisions_total{direction=\"up\",name=\"scaling\",namespace=\"scaling\",reason=\"LoadAboveTarget\"}")
        // the default scheduler model: this engine's cache thrashes when saturated, so the Preemption
        // constraint binds (status names its resource, Memory)
        .contains("stableserve_bottleneck{constraint=\"Preemption\",name=\"scaling\",namespace=\"scaling\"} 1.0");
    assertThat(client.resources(InferenceService.class).inNamespace(ns).withName(ns).get().getStatus().getCapacity()
        .getBottleneck()).isEqualTo("Memory");
    assertThat(io.stableserve.api.OperatorMetrics.ALL).allSatisfy(metric -> assertThat(scraped).contains(metric));
  }

  @Test
  void recommendModeReportsButNeverWritesScale() {
    String ns = "recommend";
    deployment(ns, 1);
    client.resource(service(ns, ns, "http://" + prometheus.url().getAuthority(), Mode.Recommend)).create();
    double mu = await(ns, s -> s.getStatus() != null && s.getStatus().getCapacity() != null, Duration.ofSeconds(60))
        .getStatus().getCapacity().getStableRatePerReplica();
    engines.get(ns).setRate(2.5 * RHO * mu);
    InferenceService s = await(ns, x -> x.getStatus().getDesiredReplicas() != null && x.getStatus().getDesiredReplicas() == 3,
        Duration.ofSeconds(60));
    assertThat(s.getStatus().getLastDecision().getApplied()).isFalse();
    assertThat(s.getStatus().condition(Conditions.READY).map(Condition::getReason)).contains(Conditions.RECOMMENDING);
    assertThat(s.getStatus().getLastScaleTime()).isNull();
    Deployment d = client.apps().deployments().inNamespace(ns).withName(ns).get();
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getMetadata().getGeneration()).as("no write to the Deployment's spec").isEqualTo(1L);
    assertThat(events(ns, Conditions.LOAD_ABOVE_TARGET)).anySatisfy(e -> assertThat(e.getMessage()).startsWith("Recommend mode, /scale not written"));
    assertThat(events(ns, Conditions.SUCCESSFUL_RESCALE)).isEmpty();
  }

  @Test
  void aMissingTargetIsReportedAndNothingIsScaled() {
    String ns = "missing";
    InferenceService created = service(ns, ns, "http://" + prometheus.url().getAuthority(), Mode.Enforce);
    created.getSpec().setScaleTargetRef(new ScaleTargetRef("apps/v1", "Deployment", "no-such-deployment"));
    client.resource(created).create();
    InferenceService s = await(ns, x -> x.getStatus() != null && x.getStatus().condition(Conditions.TARGET_RESOLVED).isPresent(),
        Duration.ofSeconds(30));
    Condition resolved = s.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow();
    assertThat(resolved.getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(resolved.getReason()).isEqualTo(Conditions.TARGET_NOT_FOUND);
    assertThat(resolved.getMessage()).contains("no-such-deployment");
    assertThat(s.getStatus().isTrue(Conditions.READY)).isFalse();
    assertThat(s.getStatus().getLastDecision()).isNull();
    assertThat(events(ns, Conditions.TARGET_NOT_FOUND)).hasSize(1);
  }

  @Test
  void anHpaOnTheSameTargetIsNotFoughtOver() {
    String ns = "hpa";
    deployment(ns, 2);
    client.autoscaling().v1().horizontalPodAutoscalers().inNamespace(ns).resource(new HorizontalPodAutoscalerBuilder()
        .withNewMetadata().withName("cpu").withNamespace(ns).endMetadata()
        .withNewSpec().withMinReplicas(1).withMaxReplicas(5)
        .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(ns).endScaleTargetRef()
        .endSpec().build()).create();
    engines.get(ns).setRate(60);
    client.resource(service(ns, ns, "http://" + prometheus.url().getAuthority(), Mode.Enforce)).create();
    InferenceService s = await(ns, x -> x.getStatus() != null && x.getStatus().condition(Conditions.TARGET_RESOLVED).isPresent(),
        Duration.ofSeconds(30));
    Condition resolved = s.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow();
    assertThat(resolved.getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(resolved.getReason()).isEqualTo(Conditions.CONFLICTING_AUTOSCALER);
    assertThat(resolved.getMessage()).contains("HorizontalPodAutoscaler cpu");
    sleep(Duration.ofSeconds(3));
    assertThat(replicas(ns)).isEqualTo(2);
    assertThat(events(ns, Conditions.CONFLICTING_AUTOSCALER)).hasSize(1);
  }

  @Test
  void aKedaScaledObjectOnTheSameTargetIsNotFoughtOver() {
    String ns = "keda";
    deployment(ns, 2);
    GenericKubernetesResource scaledObject = new GenericKubernetesResourceBuilder()
        .withApiVersion("keda.sh/v1alpha1").withKind("ScaledObject")
        .withNewMetadata().withName("queue").withNamespace(ns).endMetadata()
        .addToAdditionalProperties("spec", Map.of("scaleTargetRef", Map.of("name", ns))).build();
    client.genericKubernetesResources(SCALED_OBJECTS)
        .inNamespace(ns).resource(scaledObject).create();
    engines.get(ns).setRate(60);
    client.resource(service(ns, ns, "http://" + prometheus.url().getAuthority(), Mode.Enforce)).create();
    InferenceService s = await(ns, x -> x.getStatus() != null && x.getStatus().condition(Conditions.TARGET_RESOLVED).isPresent(),
        Duration.ofSeconds(30));
    Condition resolved = s.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow();
    assertThat(resolved.getReason()).isEqualTo(Conditions.CONFLICTING_AUTOSCALER);
    assertThat(resolved.getMessage()).contains("KEDA ScaledObject queue");
    sleep(Duration.ofSeconds(3));
    assertThat(replicas(ns)).isEqualTo(2);
  }

  @Test
  void aPrometheusThatIsDownHoldsTheReplicas() throws IOException {
    String ns = "down";
    deployment(ns, 3);
    client.resource(service(ns, ns, deadPrometheus(), Mode.Enforce)).create();
    InferenceService s = await(ns, x -> x.getStatus() != null && x.getStatus().condition(Conditions.METRICS_AVAILABLE).isPresent(),
        Duration.ofSeconds(30));
    Condition metrics = s.getStatus().condition(Conditions.METRICS_AVAILABLE).orElseThrow();
    assertThat(metrics.getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(metrics.getReason()).isEqualTo(Conditions.PROMETHEUS_UNREACHABLE);
    assertThat(s.getStatus().condition(Conditions.STABLE).map(Condition::getStatus)).contains(Conditions.UNKNOWN);
    assertThat(s.getStatus().condition(Conditions.READY).map(Condition::getReason)).contains(Conditions.PROMETHEUS_UNREACHABLE);
    assertThat(s.getStatus().getLastDecision().getReason()).isEqualTo(Conditions.METRICS_UNAVAILABLE);
    assertThat(s.getStatus().getDesiredReplicas()).isEqualTo(3);
    sleep(Duration.ofSeconds(3));
    assertThat(replicas(ns)).isEqualTo(3);
    assertThat(events(ns, Conditions.METRICS_UNAVAILABLE)).hasSize(1)
        .allSatisfy(e -> assertThat(e.getMessage()).startsWith("PrometheusUnreachable: "));
  }

  @Test
  void aThrashingServiceIsScaledForItsMeasuredCapacityAndGetsTheEngineRecommendation() {
    String ns = "thrash";
    deployment(ns, 1);
    InferenceService created = service(ns, ns, "http://" + prometheus.url().getAuthority(), Mode.Enforce);
    created.getSpec().getEngine().setMaxNumSeqs(256);
    // Scale-up waits 20 s, so the first overloaded windows see a steady replica count and measure its throughput.
    io.stableserve.api.ScaleUpRules up = new io.stableserve.api.ScaleUpRules();
    up.setStabilizationWindow("20s");
    created.getSpec().getBehavior().setScaleUp(up);
    client.resource(created).create();
    double mu = await(ns, s -> s.getStatus() != null && s.getStatus().getCapacity() != null, Duration.ofSeconds(60))
        .getStatus().getCapacity().getStableRatePerReplica();

    // Each replica really completes 60% of what the model says, and preempts while requests wait.
    double real = 0.6 * mu;
    engines.get(ns).thrash(real, 2.0);
    engines.get(ns).setRate(2.5 * mu);
    // The model alone asks for ⌈2.5 / 0.8⌉ = 4 replicas; the measured capacity for ⌈2.5 / (0.8 · 0.6)⌉ = 6.
    awaitReplicas(ns, 6, Duration.ofSeconds(90));
    InferenceService s = await(ns, x -> x.getStatus().getPreemption() != null
        && Boolean.TRUE.equals(x.getStatus().getPreemption().getApplied()), Duration.ofSeconds(10));
    // measured while one replica was saturated, then remembered through the windows that saw the scale-up
    assertThat(s.getStatus().getPreemption().getMessage()).containsPattern("^(MeasuredThroughput|PreemptionRemembered): ")
        .contains("preemptions/s");
    assertThat(s.getStatus().getPreemption().getModelStableRate()).isCloseTo(mu, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(s.getStatus().getPreemption().getMeasuredAt()).isNotNull();
    assertThat(s.getStatus().getCapacity().getStableRatePerReplica()).isCloseTo(real, org.assertj.core.data.Percentage.withPercentage(15));
    assertThat(events(ns, Conditions.PREEMPTING)).hasSize(1);
    assertThat(s.getStatus().getEngineRecommendation().getSetting()).as("advice, not %s", s.getStatus().getEngineRecommendation().getWaitingFor()).isEqualTo("max_num_seqs");
    assertThat(s.getStatus().getEngineRecommendation().getGain()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(events(ns, Conditions.ENGINE_RECOMMENDATION)).hasSize(1)
        .allSatisfy(e -> assertThat(e.getMessage()).startsWith("max_num_seqs=24 (now 256) would raise the stable rate per replica"));
  }

  @Test
  void aDeletedServiceLosesItsSeriesAndIsNoLongerAwaitedByLiveness() throws IOException {
    String ns = "deleted";
    deployment(ns, 1);
    client.resource(service(ns, ns, deadPrometheus(), Mode.Enforce)).create();
    String series = "{name=\"" + ns + "\",namespace=\"" + ns + "\"}";
    awaitTrue(() -> scrape().contains(io.stableserve.api.OperatorMetrics.DESIRED_REPLICAS + series), Duration.ofSeconds(30),
        () -> "no series of " + ns + "; last decision: " + lastDecision(ns));
    ResourceID id = new ResourceID(ns, ns);
    assertThat(operator.loop().expects(id)).as("the liveness watch sees the operator's reconciliations").isTrue();

    client.resources(InferenceService.class).inNamespace(ns).withName(ns).delete();
    awaitTrue(() -> !scrape().contains("namespace=\"" + ns + "\""), Duration.ofSeconds(30),
        () -> "series of the deleted " + ns + " remain");
    awaitTrue(() -> !operator.loop().expects(id), Duration.ofSeconds(10), () -> "liveness still expects the deleted " + ns);
    assertThat(client.resources(InferenceService.class).inNamespace(ns).withName(ns).get()).as("no finalizer held it").isNull();
    assertThat(operator.alive()).isTrue();
  }

  @Test
  void statefulSetAndLeaderWorkerSetTargetsAreRaisedToMinThroughTheirScale() throws IOException {
    String ns = "kinds";
    client.apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder()
        .withNewMetadata().withName("sts").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(1).withServiceName("sts").withNewSelector().addToMatchLabels("app", "sts").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "sts").endMetadata()
        .withNewSpec().addNewContainer().withName("vllm").withImage("vllm/vllm-openai").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    client.apiextensions().v1().customResourceDefinitions().resource(LEADER_WORKER_SET_CRD).create();
    client.genericKubernetesResources(LEADER_WORKER_SETS).inNamespace(ns).resource(new GenericKubernetesResourceBuilder()
        .withApiVersion("leaderworkerset.x-k8s.io/v1").withKind("LeaderWorkerSet")
        .withNewMetadata().withName("lws").withNamespace(ns).endMetadata()
        .addToAdditionalProperties("spec", Map.of("replicas", 1)).build()).create();
    // No metrics: the replicas are held, except that a count below replicas.min is raised to it.
    for (ScaleTargetRef target : List.of(new ScaleTargetRef("apps/v1", "StatefulSet", "sts"),
        new ScaleTargetRef("leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet", "lws"))) {
      InferenceService s = service(ns, target.getName(), deadPrometheus(), Mode.Enforce);
      s.getSpec().setScaleTargetRef(target);
      s.getSpec().setReplicas(new ReplicaBounds(2, 8));
      client.resource(s).create();
    }
    awaitTrue(() -> client.apps().statefulSets().inNamespace(ns).withName("sts").get().getSpec().getReplicas() == 2,
        Duration.ofSeconds(30), () -> "StatefulSet sts not raised to 2; last decision: " + lastDecision(ns, "sts"));
    awaitTrue(() -> Map.of("replicas", 2).equals(client.genericKubernetesResources(LEADER_WORKER_SETS).inNamespace(ns)
            .withName("lws").get().getAdditionalProperties().get("spec")),
        Duration.ofSeconds(30), () -> "LeaderWorkerSet lws not raised to 2; last decision: " + lastDecision(ns, "lws"));
  }

  /** A stand-in for the scheduler model's advice: for max_num_seqs 256, 24 gives 20% more. */
  static Optional<EngineAdvice> adviseSmallerBatch(io.stableserve.workload.Workload workload,
      io.stableserve.solve.EngineConfig engine, io.stableserve.solve.Capacity capacity) {
    if (engine.maxNumSeqs().isEmpty() || engine.maxNumSeqs().getAsInt() != 256) {
      return Optional.empty();
    }
    return Optional.of(new EngineAdvice("max_num_seqs", 24, java.util.OptionalLong.of(256), capacity.stableRate(),
        1.2 * capacity.stableRate()));
  }

  // ---------------------------------------------------------------------------------------------

  static InferenceService service(String namespace, String name, String prometheusUrl, Mode mode) {
    InferenceService s = new InferenceService();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace(namespace);
    InferenceServiceSpec spec = new InferenceServiceSpec();
    spec.setScaleTargetRef(new ScaleTargetRef("apps/v1", "Deployment", name));
    spec.setReplicas(new ReplicaBounds(1, 8));
    spec.setTargetUtilization(RHO);
    spec.setMode(mode);
    EngineSpec engine = new EngineSpec();
    engine.setKvCacheTokens(ControlledVllm.KV_TOKENS);
    engine.setChunkTokens(512);
    engine.setStepTime(new StepTimeSpec(0.015, 2e-5, 1e-7));
    spec.setEngine(engine);
    MetricsSpec metrics = new MetricsSpec();
    metrics.setPrometheusUrl(prometheusUrl);
    metrics.setSelector("model_name=\"" + name + "\"");
    metrics.setWindow(WINDOW);
    metrics.setTimeout("2s");
    spec.setMetrics(metrics);
    Behavior behavior = new Behavior();
    behavior.setPollInterval("1s");
    behavior.setReplicaStartupTime("5s");
    ScaleDownRules down = new ScaleDownRules();
    down.setStabilizationWindow("10s");
    behavior.setScaleDown(down);
    spec.setBehavior(behavior);
    s.setSpec(spec);
    return s;
  }

  static void deployment(String namespace, int replicas) {
    client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
        .withNewMetadata().withName(namespace).withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", namespace).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", namespace).endMetadata()
        .withNewSpec().addNewContainer().withName("vllm").withImage("vllm/vllm-openai").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
  }

  /** The URL of a port nothing listens on. */
  static String deadPrometheus() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  static void markReady() {
    try {
      for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        ControlledVllm engine = engines.get(d.getMetadata().getNamespace());
        if (engine != null) {
          engine.setServingReplicas(want);
        }
        Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
        if (ready == null || ready != want) {
          d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
              .withReplicas(want).withReadyReplicas(want).withAvailableReplicas(want).build());
          client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
        }
      }
    } catch (RuntimeException e) {
      // a conflict with the operator's write: try again on the next tick
    }
  }

  static int replicas(String ns) {
    return client.apps().deployments().inNamespace(ns).withName(ns).get().getSpec().getReplicas();
  }

  static void awaitReplicas(String ns, int replicas, Duration timeout) {
    awaitTrue(() -> replicas(ns) == replicas, timeout, () -> "Deployment " + ns + " at " + replicas(ns) + " replicas, not "
        + replicas + "; last decision: " + lastDecision(ns));
  }

  static String lastDecision(String ns) {
    return lastDecision(ns, ns);
  }

  static String lastDecision(String ns, String name) {
    InferenceService s = client.resources(InferenceService.class).inNamespace(ns).withName(name).get();
    return s == null || s.getStatus() == null || s.getStatus().getLastDecision() == null ? "none"
        : s.getStatus().getLastDecision().getMessage() + " / conditions " + s.getStatus().getConditions();
  }

  static InferenceService await(String ns, Predicate<InferenceService> condition, Duration timeout) {
    InferenceService[] seen = new InferenceService[1];
    awaitTrue(() -> {
      seen[0] = client.resources(InferenceService.class).inNamespace(ns).withName(ns).get();
      try {
        return seen[0] != null && condition.test(seen[0]);
      } catch (NullPointerException e) {
        return false;
      }
    }, timeout, () -> "InferenceService " + ns + " did not reach the expected state; status: "
        + (seen[0] == null ? "none" : io.fabric8.kubernetes.client.utils.Serialization.asYaml(seen[0].getStatus())));
    return seen[0];
  }

  static void awaitTrue(Supplier<Boolean> check, Duration timeout, Supplier<String> failure) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (check.get()) {
        return;
      }
      sleep(Duration.ofMillis(250));
    }
    throw new AssertionError(failure.get());
  }

  static List<Event> events(String ns, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp))
        .toList();
  }

  static String scrape() {
    var out = new java.io.ByteArrayOutputStream();
    try {
      new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
