package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.actuate.KubernetesScaleTargets;
import io.stableserve.actuate.ScaleFailedException;
import io.stableserve.actuate.ScaleTargets;
import io.stableserve.actuate.TargetResolution;
import io.stableserve.api.Behavior;
import io.stableserve.api.Conditions;
import io.stableserve.api.EngineSpec;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.Mode;
import io.stableserve.api.OperatorMetrics;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.api.ScaleUpRules;
import io.stableserve.api.VariantReplicas;
import io.stableserve.api.VariantSpec;
import io.stableserve.api.VariantStatus;
import io.stableserve.bench.ServiceLoop;
import io.stableserve.decide.Mix;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.observe.Observation;
import io.stableserve.observe.Observer;
import io.stableserve.observe.prometheus.PrometheusSource;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.MixEvaluation;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.report.MetricsRecorder;
import io.stableserve.solve.EngineConfig;
import io.stableserve.settings.Defaults;
import io.stableserve.testing.Contexts;
import io.stableserve.testing.EngineSpecs;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler on a service of two variants, against Fabric8's CRUD mock API server: it scales
 * both Deployments to the mix the pipeline decides, writes the status first, reports the mix, and
 * the single-target form goes on as before.
 */
@EnableKubernetesMockClient(crud = true)
class MixReconcileTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  static final String NS = "llm";
  final ServiceLoop.Service loop = ServiceLoop.create(4, 11).services().get(0);
  final EngineConfig engine = ServiceLoop.engineOf(loop);
  final Observation recorded = ServiceLoop.observation(loop, SameDecisionTest.NOW);
  final Function<PrometheusSource, Observer> replay = source -> window -> recorded;

  record Recorded(String type, String reason, String message) {}

  final List<Recorded> events = new ArrayList<>();
  final PrometheusRegistry registry = new PrometheusRegistry();
  final MetricsRecorder recorder = new MetricsRecorder(registry);
  /** The Deployments' spec replicas (h100, a100) at the moment each status write was sent. */
  final List<List<Integer>> replicasAtStatusWrite = new ArrayList<>();

  @BeforeEach
  void deployments() {
    client.apps().deployments().inNamespace(NS).delete();
    for (String name : List.of("llama-h100", "llama-a100", "llama")) {
      Deployment d = client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
          .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
          .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
          .withNewSpec().addNewContainer().withName("vllm").withImage("vllm/vllm-openai").endContainer().endSpec()
          .endTemplate().endSpec().build()).create();
      d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build());
      client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    }
  }

  int replicas(String deployment) {
    return client.apps().deployments().inNamespace(NS).withName(deployment).get().getSpec().getReplicas();
  }

  InferenceServiceReconciler reconciler() {
    return reconciler(new KubernetesScaleTargets(client));
  }

  InferenceServiceReconciler reconciler(ScaleTargets targets) {
    StatusWriter writer = (s, context) -> replicasAtStatusWrite.add(List.of(replicas("llama-h100"), replicas("llama-a100")));
    return new InferenceServiceReconciler(targets, replay, (ns, ref) -> "",
        (about, type, reason, message) -> events.add(new Recorded(type, reason, message)),
        recorder, EngineAdvisor.none(), writer,
        Clock.fixed(SameDecisionTest.NOW, ZoneOffset.UTC));
  }

  /** The recorded engine, and one whose every step takes {@code slowdown} times as long. */
  static EngineSpec slower(EngineConfig engine, double slowdown) {
    EngineSpec e = EngineSpecs.given(engine);
    e.getStepTime().setBaseSeconds(e.getStepTime().getBaseSeconds() * slowdown);
    e.getStepTime().setSecondsPerToken(e.getStepTime().getSecondsPerToken() * slowdown);
    e.getStepTime().setSecondsPerKvToken(e.getStepTime().getSecondsPerKvToken() * slowdown);
    return e;
  }

  static VariantSpec variant(String name, EngineSpec engine, double costPerHour, int max) {
    VariantSpec v = new VariantSpec();
    v.setName(name);
    v.setScaleTargetRef(new ScaleTargetRef("apps/v1", "Deployment", "llama-" + name));
    v.setEngine(engine);
    v.setCostPerHour(costPerHour);
    v.setReplicas(new VariantReplicas(0, max));
    v.setSelector("pod=~\"llama-" + name + "-.*\"");
    return v;
  }

  /** The single-target form on the Deployment llama. */
  InferenceService single() {
    InferenceService s = new InferenceService();
    s.getMetadata().setName("llama");
    s.getMetadata().setNamespace(NS);
    s.getMetadata().setGeneration(1L);
    s.setSpec(SameDecisionTest.spec(engine));
    return s;
  }

  InferenceService mixed(String name) {
    InferenceServiceSpec spec = new InferenceServiceSpec();
    // Per unit of capacity the h100 is the cheaper (4.0 for μ against 2.2 for about μ/2), but it has at most 2.
    spec.setVariants(List.of(variant("h100", EngineSpecs.given(engine), 4.0, 2), variant("a100", slower(engine, 2), 2.2, 40)));
    MetricsSpec metrics = new MetricsSpec();
    metrics.setPrometheusUrl("http://prometheus.recorded:9090");
    metrics.setSelector("namespace=\"llm\"");
    spec.setMetrics(metrics);
    // The first pass takes the mix the capacity needs: the settle wait is the one-type tests' subject.
    Behavior behavior = new Behavior();
    ScaleUpRules up = new ScaleUpRules();
    up.setSettleTime("0s");
    behavior.setScaleUp(up);
    spec.setBehavior(behavior);
    InferenceService s = new InferenceService();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace(NS);
    s.getMetadata().setGeneration(1L);
    s.getMetadata().setCreationTimestamp("2026-11-30T10:00:00Z");
    s.setSpec(spec);
    return s;
  }

  /** What the pipeline decides from (1, 1) on the same observation. */
  MixEvaluation expected(InferenceService s) {
    return ScalingPipeline.evaluateMix(recorded, List.of(ScalingPipeline.VariantObservation.of(recorded),
        ScalingPipeline.VariantObservation.of(recorded)), SpecMapping.mixSettings(s.getSpec()), ServiceMemory.empty(),
        Mix.of(1, 1), Mix.of(1, 1), List.of(Optional.empty(), Optional.empty()), SameDecisionTest.NOW);
  }

  @Test
  void scalesBothDeploymentsToTheMixAfterWritingTheStatus() {
    InferenceService s = mixed("llama-mixed");
    MixEvaluation expected = expected(s);
    assertThat(expected.mix().count(0)).as("both h100s").isEqualTo(2);
    assertThat(expected.mix().count(1)).as("and more than one a100").isGreaterThan(1);

    reconciler().reconcile(s, Contexts.notDeleted());

    assertThat(List.of(replicas("llama-h100"), replicas("llama-a100")))
        .isEqualTo(List.of(expected.mix().count(0), expected.mix().count(1)));
    assertThat(replicasAtStatusWrite).as("one status write, before either /scale").containsExactly(List.of(1, 1));
    assertThat(replicas("llama")).as("the single target's Deployment is not touched").isEqualTo(1);

    var status = s.getStatus();
    assertThat(status.getMix()).isEqualTo("h100=" + expected.mix().count(0) + ",a100=" + expected.mix().count(1));
    assertThat(status.getCostPerHour()).isEqualTo(4.0 * expected.mix().count(0) + 2.2 * expected.mix().count(1));
    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getDesiredReplicas()).isEqualTo(expected.mix().replicas());
    assertThat(status.getVariants()).extracting(VariantStatus::getName).containsExactly("h100", "a100");
    double h100 = status.getVariants().get(0).getStableRatePerReplica();
    double a100 = status.getVariants().get(1).getStableRatePerReplica();
    assertThat(a100).as("each variant's own engine: twice the step time, a lower rate").isLessThan(0.75 * h100);
    assertThat(status.getUtilization()).as("at the mix the pass found").isEqualTo(expected.utilization(Mix.of(1, 1)).getAsDouble());
    assertThat(status.getLastDecision().getApplied()).isTrue();
    assertThat(status.getLastDecision().getReason()).isEqualTo(expected.reason());
    assertThat(status.getLastScaleTime()).isEqualTo(SameDecisionTest.NOW.toString());
    assertThat(status.isTrue(Conditions.READY)).isTrue();
    assertThat(status.condition(Conditions.TARGET_RESOLVED).orElseThrow().getMessage())
        .contains("h100: Deployment/llama-h100").contains("a100: Deployment/llama-a100");
    assertThat(events).filteredOn(e -> e.reason().equals(Conditions.SUCCESSFUL_RESCALE)).singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("New mix: " + status.getMix() + " (was h100=1,a100=1)"));
    String scraped = scrape();
    assertThat(scraped).contains(OperatorMetrics.COST_PER_HOUR + "{name=\"llama-mixed\",namespace=\"llm\"} " + status.getCostPerHour())
        .contains(OperatorMetrics.VARIANT_DESIRED_REPLICAS + "{name=\"llama-mixed\",namespace=\"llm\",variant=\"a100\"} "
            + (double) expected.mix().count(1));
  }

  String scrape() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void inRecommendModeTheMixIsReportedAndNoDeploymentWritten() {
    InferenceService s = mixed("llama-mixed");
    s.getSpec().setMode(Mode.Recommend);
    reconciler().reconcile(s, Contexts.notDeleted());
    reconciler().reconcile(s, Contexts.notDeleted());

    assertThat(List.of(replicas("llama-h100"), replicas("llama-a100"))).isEqualTo(List.of(1, 1));
    assertThat(s.getStatus().getMix()).isEqualTo(expected(s).describe(expected(s).mix()));
    assertThat(s.getStatus().getLastDecision().getApplied()).isFalse();
    assertThat(events).as("one Event for the recommended mix, not one per pass")
        .filteredOn(e -> e.message().startsWith("Recommend mode")).hasSize(1);
  }

  @Test
  void aVariantTargetAnOlderServiceScalesIsRefusedAndNothingIsWritten() {
    InferenceService older = new InferenceService();
    older.getMetadata().setName("a100-alone");
    older.getMetadata().setNamespace(NS);
    older.getMetadata().setCreationTimestamp("2026-11-30T09:00:00Z");
    older.setSpec(SameDecisionTest.spec(engine));
    older.getSpec().setScaleTargetRef(new ScaleTargetRef("apps/v1", "Deployment", "llama-a100"));
    InferenceService s = mixed("llama-mixed");

    reconciler().reconcile(s, Contexts.notDeleted(List.of(older, s)));

    assertThat(List.of(replicas("llama-h100"), replicas("llama-a100"))).isEqualTo(List.of(1, 1));
    var resolved = s.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow();
    assertThat(resolved.getReason()).isEqualTo(Conditions.TARGET_CLAIMED);
    assertThat(resolved.getMessage()).startsWith("variant a100: InferenceService a100-alone already scales");
    // And the other way round: the single target loses to the older mix that holds it as a variant.
    InferenceService younger = new InferenceService();
    younger.getMetadata().setName("h100-alone");
    younger.getMetadata().setNamespace(NS);
    younger.getMetadata().setCreationTimestamp("2026-11-30T11:00:00Z");
    younger.getMetadata().setGeneration(1L);
    younger.setSpec(SameDecisionTest.spec(engine));
    younger.getSpec().setScaleTargetRef(new ScaleTargetRef("apps/v1", "Deployment", "llama-h100"));
    reconciler().reconcile(younger, Contexts.notDeleted(List.of(s, younger)));
    assertThat(younger.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow().getReason())
        .isEqualTo(Conditions.TARGET_CLAIMED);
  }

  @Test
  void theSingleTargetFormScalesItsDeploymentAsBeforeAndReportsNoMix() {
    InferenceService s = single();
    Evaluation expected = ScalingPipeline.evaluate(recorded, SpecMapping.settings(s.getSpec()), ServiceMemory.empty(),
        new ReplicaCounts(1, 1), SameDecisionTest.NOW);
    assertThat(expected.decision().scales()).isTrue();

    reconciler().reconcile(s, Contexts.notDeleted());

    assertThat(replicas("llama")).isEqualTo(expected.decision().desiredReplicas());
    assertThat(List.of(replicas("llama-h100"), replicas("llama-a100"))).isEqualTo(List.of(1, 1));
    assertThat(s.getStatus().getCapacity().getStableRatePerReplica())
        .isEqualTo(expected.capacity().orElseThrow().capacity().stableRate());
    assertThat(s.getStatus().getVariants()).isNull();
    assertThat(s.getStatus().getMix()).isNull();
    assertThat(s.getStatus().getCostPerHour()).isNull();
  }

  @Test
  void aSingleTargetThatReportsItsReplicasRefusedSaysSoInStatusAndOneWarningEvent() {
    String refusal = "FailedCreate: pods \"llama-5d4f-x\" is forbidden: exceeded quota: gpus";
    Deployment d = client.apps().deployments().inNamespace(NS).withName("llama").get();
    d.getSpec().setReplicas(4);
    client.apps().deployments().inNamespace(NS).resource(d).update();
    d = client.apps().deployments().inNamespace(NS).withName("llama").get();
    d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1)
        .addNewCondition().withType("ReplicaFailure").withStatus("True").withReason("FailedCreate")
        .withMessage("pods \"llama-5d4f-x\" is forbidden: exceeded quota: gpus").endCondition().build());
    client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    InferenceService s = single();

    reconciler().reconcile(s, Contexts.notDeleted());
    reconciler().reconcile(s, Contexts.notDeleted());

    assertThat(s.getStatus().getTargetRefusal()).isEqualTo(refusal);
    assertThat(events).filteredOn(e -> e.reason().equals(InferenceServiceReconciler.REPLICAS_REFUSED)).singleElement()
        .satisfies(e -> {
          assertThat(e.type()).isEqualTo("Warning");
          assertThat(e.message()).contains("Deployment/llama (apps/v1) reports the replicas asked for refused: " + refusal)
              .contains("4 asked for, 1 ready");
        });

    d = client.apps().deployments().inNamespace(NS).withName("llama").get();
    d.setStatus(new DeploymentStatusBuilder().withReplicas(4).withReadyReplicas(4).withAvailableReplicas(4).build());
    client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    reconciler().reconcile(s, Contexts.notDeleted());
    assertThat(s.getStatus().getTargetRefusal()).as("gone once the Deployment reports nothing").isNull();
  }

  @Test
  void switchingBetweenTheFormsLeavesNoFigureOfTheOther() {
    InferenceService s = single();
    reconciler().reconcile(s, Contexts.notDeleted());
    assertThat(s.getStatus().getCapacity()).isNotNull();

    s.setSpec(mixed("llama").getSpec());
    s.getMetadata().setGeneration(2L);
    reconciler().reconcile(s, Contexts.notDeleted());
    assertThat(s.getStatus().getMix()).isNotNull();
    assertThat(s.getStatus().getCapacity()).as("one replica's capacity means nothing over a mix").isNull();

    s.setSpec(SameDecisionTest.spec(engine));
    s.getMetadata().setGeneration(3L);
    reconciler().reconcile(s, Contexts.notDeleted());
    assertThat(s.getStatus().getCapacity()).isNotNull();
    assertThat(s.getStatus().getMix()).isNull();
    assertThat(s.getStatus().getCostPerHour()).isNull();
    assertThat(s.getStatus().getVariants()).isNull();
  }

  @Test
  void aFailedScaleOfOneVariantIsReadyFalseAndWrittenToStatusASecondTime() {
    KubernetesScaleTargets cluster = new KubernetesScaleTargets(client);
    ScaleTargets a100Refused = new ScaleTargets() {
      @Override
      public TargetResolution resolve(String namespace, ScaleTargetRef ref) {
        return cluster.resolve(namespace, ref);
      }

      @Override
      public void scale(String namespace, ScaleTargetRef ref, int replicas) throws ScaleFailedException {
        if (ref.getName().equals("llama-a100")) {
          throw new ScaleFailedException("setting Deployment/llama-a100 to " + replicas + " replicas through /scale failed: HTTP 500", null);
        }
        cluster.scale(namespace, ref, replicas);
      }
    };
    InferenceService s = mixed("llama-mixed");
    MixEvaluation expected = expected(s);

    reconciler(a100Refused).reconcile(s, Contexts.notDeleted());

    assertThat(replicas("llama-h100")).as("the variant that grows is written first and stands").isEqualTo(expected.mix().count(0));
    assertThat(replicas("llama-a100")).isEqualTo(1);
    assertThat(replicasAtStatusWrite).as("before /scale, and again after the failure").hasSize(2);
    assertThat(s.getStatus().getLastDecision().getApplied()).isFalse();
    assertThat(s.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo(Conditions.FAILED_RESCALE);
    assertThat(events).filteredOn(e -> e.reason().equals(Conditions.FAILED_RESCALE)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("Deployment/llama-a100"));
  }

  @Test
  void aVariantWhoseReplicasDoNotBecomeReadyIsCountedAtThoseThatServeWithOneWarningEvent() {
    // Five a100 asked for, one serves, and none more has for 11 minutes (twice the default 5-minute start-up is 10).
    Deployment a100 = client.apps().deployments().inNamespace(NS).withName("llama-a100").get();
    a100.getSpec().setReplicas(5);
    client.apps().deployments().inNamespace(NS).resource(a100).update();
    a100 = client.apps().deployments().inNamespace(NS).withName("llama-a100").get();
    a100.setStatus(new DeploymentStatusBuilder().withReplicas(5).withReadyReplicas(1).withAvailableReplicas(1).build());
    client.apps().deployments().inNamespace(NS).resource(a100).updateStatus();
    InferenceService s = mixed("llama-mixed");
    InferenceServiceStatus previous = new InferenceServiceStatus();
    VariantStatus waiting = new VariantStatus();
    waiting.setName("a100");
    waiting.setWaitingSince(SameDecisionTest.NOW.minusSeconds(660).toString());
    waiting.setReadyWhenWaitingBegan(1);
    previous.setVariants(new ArrayList<>(List.of(waiting)));
    s.setStatus(previous);

    reconciler().reconcile(s, Contexts.notDeleted());

    assertThat(replicas("llama-a100")).as("asked for no more than serve").isEqualTo(1);
    assertThat(replicas("llama-h100")).as("the capacity goes where replicas come").isEqualTo(2);
    VariantStatus stalled = s.getStatus().getVariants().get(1);
    assertThat(stalled.getStalledSince()).isEqualTo(SameDecisionTest.NOW.toString());
    assertThat(stalled.getStalledUntil()).isEqualTo(SameDecisionTest.NOW.plus(Defaults.stalledVariantRetry()).toString());
    assertThat(stalled.getWaitingSince()).isNull();
    assertThat(s.getStatus().getLastDecision().getMessage()).contains("a100 stalled: 1 of 5 ready");
    assertThat(events).filteredOn(e -> e.reason().equals(InferenceServiceReconciler.VARIANT_STALLED)).singleElement()
        .satisfies(e -> {
          assertThat(e.type()).isEqualTo("Warning");
          assertThat(e.message()).contains("variant a100: 5 replicas asked for, 1 ready").contains("check its quota");
        });

    // The next pass reads the stall back from the status: no second Event, the variant stays counted at 1.
    reconciler().reconcile(s, Contexts.notDeleted());
    assertThat(events).filteredOn(e -> e.reason().equals(InferenceServiceReconciler.VARIANT_STALLED)).hasSize(1);
    assertThat(s.getStatus().getVariants().get(1).getStalledSince()).isEqualTo(SameDecisionTest.NOW.toString());
    assertThat(replicas("llama-a100")).isEqualTo(1);
  }

  @Test
  void aVariantWhoseDeploymentReportsItsPodsRefusedByAQuotaStallsAtOnceWithTheQuotasMessage() {
    // Five a100 asked for, one serves, and the Deployment says why: a ResourceQuota refused the pods.
    String refusal = "pods \"llama-a100-5d4f-x\" is forbidden: exceeded quota: gpus, requested: nvidia.com/gpu=1, "
        + "used: nvidia.com/gpu=1, limited: nvidia.com/gpu=1";
    Deployment a100 = client.apps().deployments().inNamespace(NS).withName("llama-a100").get();
    a100.getSpec().setReplicas(5);
    client.apps().deployments().inNamespace(NS).resource(a100).update();
    a100 = client.apps().deployments().inNamespace(NS).withName("llama-a100").get();
    a100.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1)
        .addNewCondition().withType("ReplicaFailure").withStatus("True").withReason("FailedCreate").withMessage(refusal).endCondition()
        .build());
    client.apps().deployments().inNamespace(NS).resource(a100).updateStatus();
    InferenceService s = mixed("llama-mixed");

    reconciler().reconcile(s, Contexts.notDeleted());

    assertThat(replicas("llama-a100")).as("asked for no more than serve, on the first pass").isEqualTo(1);
    assertThat(replicas("llama-h100")).as("the capacity goes where replicas come").isEqualTo(2);
    assertThat(s.getStatus().getVariants().get(1).getStalledSince()).isEqualTo(SameDecisionTest.NOW.toString());
    assertThat(s.getStatus().getVariants().get(1).getTargetRefusal()).isEqualTo("FailedCreate: " + refusal);
    assertThat(s.getStatus().getVariants().get(0).getTargetRefusal()).isNull();
    assertThat(s.getStatus().getLastDecision().getMessage())
        .contains("a100 stalled: 1 of 5 ready and its target reports them refused (FailedCreate: " + refusal + ")");
    assertThat(events).filteredOn(e -> e.reason().equals(InferenceServiceReconciler.VARIANT_STALLED)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("variant a100: 5 replicas asked for, 1 ready")
            .contains("reports them refused: FailedCreate: " + refusal));
  }

  @Test
  void aDeploymentPastItsProgressDeadlineReportsItsReplicasRefusedOnceThePodsItHasServe() {
    Deployment a100 = client.apps().deployments().inNamespace(NS).withName("llama-a100").get();
    a100.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1)
        .addNewCondition().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
        .withMessage("ReplicaSet \"llama-a100-5d4f\" has timed out progressing.").endCondition()
        .addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable").endCondition()
        .build());
    client.apps().deployments().inNamespace(NS).resource(a100).updateStatus();
    ScaleTargetRef ref = new ScaleTargetRef();
    ref.setApiVersion("apps/v1");
    ref.setKind("Deployment");
    ref.setName("llama-a100");

    TargetResolution resolution = new KubernetesScaleTargets(client).resolve(NS, ref);

    assertThat(((TargetResolution.Resolved) resolution).target().creationRefused())
        .contains("ProgressDeadlineExceeded: ReplicaSet \"llama-a100-5d4f\" has timed out progressing.");
    a100 = client.apps().deployments().inNamespace(NS).withName("llama-a100").get();
    a100.getStatus().setReplicas(3);
    client.apps().deployments().inNamespace(NS).resource(a100).updateStatus();
    assertThat(((TargetResolution.Resolved) new KubernetesScaleTargets(client).resolve(NS, ref)).target().creationRefused())
        .as("two pods still starting are coming: no refusal counts yet").isEmpty();

    a100 = client.apps().deployments().inNamespace(NS).withName("llama-a100").get();
    a100.getStatus().setReplicas(1);
    a100.getStatus().setObservedGeneration(a100.getMetadata().getGeneration() - 1);
    client.apps().deployments().inNamespace(NS).resource(a100).updateStatus();
    assertThat(((TargetResolution.Resolved) new KubernetesScaleTargets(client).resolve(NS, ref)).target().creationRefused())
        .as("conditions of a spec older than the Deployment's newest (a scale the controller has not seen yet)").isEmpty();
    a100.getStatus().setObservedGeneration(a100.getMetadata().getGeneration());
    client.apps().deployments().inNamespace(NS).resource(a100).updateStatus();
    assertThat(((TargetResolution.Resolved) new KubernetesScaleTargets(client).resolve(NS, ref)).target().creationRefused())
        .as("the same conditions, observed for the newest spec").isPresent();

    Deployment h100 = client.apps().deployments().inNamespace(NS).withName("llama-h100").get();
    ref.setName(h100.getMetadata().getName());
    assertThat(((TargetResolution.Resolved) new KubernetesScaleTargets(client).resolve(NS, ref)).target().creationRefused())
        .as("a Deployment that reports neither").isEmpty();
  }

  @Test
  void aVariantWhoseTargetIsMissingStopsThePassNamingTheVariant() {
    client.apps().deployments().inNamespace(NS).withName("llama-a100").delete();
    InferenceService s = mixed("llama-mixed");

    reconciler().reconcile(s, Contexts.notDeleted());

    assertThat(replicas("llama-h100")).isEqualTo(1);
    var resolved = s.getStatus().condition(Conditions.TARGET_RESOLVED).orElseThrow();
    assertThat(resolved.getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(resolved.getReason()).isEqualTo(Conditions.TARGET_NOT_FOUND);
    assertThat(resolved.getMessage()).startsWith("variant a100: ");
  }
}
