package io.stableserve.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stableserve.api.Conditions;
import io.stableserve.api.ScaleTargetRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
}
