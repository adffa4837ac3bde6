package io.stableserve.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.api.Conditions;
import io.stableserve.api.CrdValidator;
import io.stableserve.api.InferenceService;
import io.stableserve.api.Mode;
import io.stableserve.api.ScaleTargetRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * In Metric mode the one ScaledObject or autoscaling/v2 HPA that reads the service's exported
 * series is accepted on the target, and every other autoscaler is still refused; in Enforce mode
 * every one of them is refused (CRUD mock server).
 */
@EnableKubernetesMockClient(crud = true)
class MetricModeTargetsTest {

  KubernetesClient client;

  static final String NS = "llm";
  static final ScaleTargetRef VLLM = new ScaleTargetRef("apps/v1", "Deployment", "vllm");
  static final Optional<DecisionSeries> METRIC_MODE = Optional.of(new DecisionSeries(NS, "llama"));
  static final String OUR_QUERY = "stableserve_desired_replicas{namespace=\"llm\",name=\"llama\"}";

  @BeforeEach
  void deployment() {
    client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName("vllm")
        .withNamespace(NS).endMetadata().withNewSpec().withReplicas(2).endSpec().build()).create();
  }

  void scaledObject(String name, String query) {
    client.genericKubernetesResources(KubernetesScaleTargets.SCALED_OBJECTS).inNamespace(NS).resource(
        new GenericKubernetesResourceBuilder().withApiVersion("keda.sh/v1alpha1").withKind("ScaledObject")
            .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
            .addToAdditionalProperties("spec", Map.of("scaleTargetRef", Map.of("name", "vllm"),
                "triggers", List.of(DecisionReadersTest.prometheusTrigger(query))))
            .build()).create();
  }

  GenericKubernetesResourceBuilder hpa(String name, List<Map<String, Object>> metrics) {
    return new GenericKubernetesResourceBuilder().withApiVersion("autoscaling/v2").withKind("HorizontalPodAutoscaler")
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", Map.of("scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment",
            "name", "vllm"), "minReplicas", 1, "maxReplicas", 8, "metrics", metrics));
  }

  void create(GenericKubernetesResourceBuilder hpa) {
    client.genericKubernetesResources(KubernetesScaleTargets.HPAS_V2).inNamespace(NS).resource(hpa.build()).create();
  }

  static final List<Map<String, Object>> OUR_METRIC = List.of(DecisionReadersTest.external("stableserve_desired_replicas",
      Map.of("name", "llama")));
  static final List<Map<String, Object>> CPU = List.of(Map.of("type", "Resource",
      "resource", Map.of("name", "cpu", "target", Map.of("type", "Utilization", "averageUtilization", 60))));

  TargetResolution.Unresolved refused(TargetResolution r) {
    assertThat(r).isInstanceOf(TargetResolution.Unresolved.class);
    TargetResolution.Unresolved u = (TargetResolution.Unresolved) r;
    assertThat(u.reason()).isEqualTo(Conditions.CONFLICTING_AUTOSCALER);
    return u;
  }

  @Test
  void aScaledObjectReadingTheSeriesIsAcceptedWithTheHpaKedaMadeForIt() {
    scaledObject("llama", OUR_QUERY);
    // What KEDA creates for it: an HPA on an External metric of its own name, owned by the ScaledObject.
    create(hpa("keda-hpa-llama", List.of(DecisionReadersTest.external("s0-prometheus",
        Map.of("scaledobject.keda.sh/name", "llama")))).editMetadata().withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion("keda.sh/v1alpha1").withKind("ScaledObject").withName("llama").withUid("u1").build()).endMetadata());
    TargetResolution r = new KubernetesScaleTargets(client).resolve(NS, VLLM, METRIC_MODE);
    assertThat(r).isInstanceOf(TargetResolution.Resolved.class);
    assertThat(((TargetResolution.Resolved) r).target().replicas().spec()).isEqualTo(2);
  }

  @Test
  void anHpaReadingTheSeriesAsAnExternalMetricIsAccepted() {
    create(hpa("llama", OUR_METRIC));
    assertThat(new KubernetesScaleTargets(client).resolve(NS, VLLM, METRIC_MODE)).isInstanceOf(TargetResolution.Resolved.class);
  }

  @Test
  void aForeignHpaBesideTheReaderIsRefusedSayingWhatToFix() {
    scaledObject("llama", OUR_QUERY);
    create(hpa("cpu", CPU));
    TargetResolution.Unresolved u = refused(new KubernetesScaleTargets(client).resolve(NS, VLLM, METRIC_MODE));
    assertThat(u.message()).startsWith("HorizontalPodAutoscaler cpu (metric 0 is of type Resource, not External) also scales "
        + "Deployment/vllm (apps/v1) without reading " + OUR_QUERY)
        .contains("delete the other autoscaler or make it read the series")
        .doesNotContain("ScaledObject llama");
  }

  @Test
  void aScaledObjectReadingAnotherServicesSeriesIsRefused() {
    scaledObject("other", "stableserve_desired_replicas{namespace=\"llm\",name=\"mistral\"}");
    TargetResolution.Unresolved u = refused(new KubernetesScaleTargets(client).resolve(NS, VLLM, METRIC_MODE));
    assertThat(u.message()).contains("KEDA ScaledObject other (trigger 0's query has no matcher name=\"llama\")");
  }

  @Test
  void twoReadersOfTheSeriesAreRefused() {
    scaledObject("llama", OUR_QUERY);
    create(hpa("llama", OUR_METRIC));
    TargetResolution.Unresolved u = refused(new KubernetesScaleTargets(client).resolve(NS, VLLM, METRIC_MODE));
    assertThat(u.message()).contains("KEDA ScaledObject llama").contains("HorizontalPodAutoscaler llama")
        .contains("all read " + OUR_QUERY + " and scale Deployment/vllm (apps/v1)").endsWith("keep one of them");
  }

  @Test
  void inEnforceModeEvenTheReaderIsRefusedAndTheMessageNamesMetricMode() {
    scaledObject("llama", OUR_QUERY);
    TargetResolution.Unresolved u = refused(new KubernetesScaleTargets(client).resolve(NS, VLLM, Optional.empty()));
    assertThat(u.message()).startsWith("KEDA ScaledObject llama also scales Deployment/vllm (apps/v1); StableServe does not fight over it")
        .contains("use mode Metric with one ScaledObject or HPA reading stableserve_desired_replicas");
  }

  @Test
  void inEnforceModeAnHpaIsRefusedAsBefore() {
    client.autoscaling().v1().horizontalPodAutoscalers().inNamespace(NS).resource(
        new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerBuilder()
            .withNewMetadata().withName("cpu").withNamespace(NS).endMetadata()
            .withNewSpec().withMaxReplicas(5).withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
            .withName("vllm").endScaleTargetRef().endSpec().build()).create();
    assertThat(refused(new KubernetesScaleTargets(client).resolve(NS, VLLM)).message())
        .startsWith("HorizontalPodAutoscaler cpu also scales Deployment/vllm (apps/v1)");
  }

  @Test
  void inMetricModeWithoutAnyAutoscalerTheTargetResolves() {
    assertThat(new KubernetesScaleTargets(client).resolve(NS, VLLM, METRIC_MODE)).isInstanceOf(TargetResolution.Resolved.class);
  }

  /**
   * Each sample of deploy/samples/metric-mode/: its InferenceService, in Metric mode, satisfies the
   * CRD, and its ScaledObject or HPA is accepted as the reader of that service's series.
   */
  @Test
  void theShippedSamplesAreAcceptedAsTheirServicesReaders() throws IOException {
    Path folder = repository().resolve("deploy/samples/metric-mode");
    List<Path> samples;
    try (Stream<Path> files = Files.list(folder)) {
      samples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(samples).extracting(f -> f.getFileName().toString())
        .containsExactly("inferenceservice-hpa.yaml", "inferenceservice-keda.yaml");
    for (Path sample : samples) {
      List<String> documents = List.of(Files.readString(sample).split("\n---\n"));
      assertThat(documents).as("documents of %s", sample).hasSize(2);
      InferenceService service = Serialization.unmarshal(documents.get(0), InferenceService.class);
      assertThat(service.getSpec().effectiveMode()).isEqualTo(Mode.Metric);
      assertThat(CrdValidator.inferenceServices().validate(documents.get(0))).as("CRD errors of %s", sample).isEmpty();
      GenericKubernetesResource reader = Serialization.unmarshal(documents.get(1), GenericKubernetesResource.class);
      String namespace = service.getMetadata().getNamespace();
      reader.getMetadata().setNamespace(NS);
      client.genericKubernetesResources(reader.getKind().equals("ScaledObject") ? KubernetesScaleTargets.SCALED_OBJECTS
          : KubernetesScaleTargets.HPAS_V2).inNamespace(NS).resource(reader).create();
      ScaleTargetRef ref = new ScaleTargetRef("apps/v1", service.getSpec().getScaleTargetRef().getKind(),
          service.getSpec().getScaleTargetRef().getName());
      client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName(ref.getName())
          .withNamespace(NS).endMetadata().withNewSpec().withReplicas(1).endSpec().build()).createOr(NonDeletingOperation::update);
      KubernetesScaleTargets targets = new KubernetesScaleTargets(client);
      assertThat(targets.resolve(NS, ref, Optional.of(new DecisionSeries(namespace, service.getMetadata().getName()))))
          .as("%s read by its service", sample).isInstanceOf(TargetResolution.Resolved.class);
      assertThat(targets.resolve(NS, ref, Optional.of(new DecisionSeries(namespace, "another-service"))))
          .as("%s read by another service", sample).isInstanceOf(TargetResolution.Unresolved.class);
      client.genericKubernetesResources(reader.getKind().equals("ScaledObject") ? KubernetesScaleTargets.SCALED_OBJECTS
          : KubernetesScaleTargets.HPAS_V2).inNamespace(NS).withName(reader.getMetadata().getName()).delete();
    }
  }

  /** The checkout: the first folder at or above the working directory with deploy/samples. */
  static Path repository() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy/samples"))) {
        return d;
      }
    }
    throw new IllegalStateException("no deploy/samples at or above " + Path.of("").toAbsolutePath());
  }
}
