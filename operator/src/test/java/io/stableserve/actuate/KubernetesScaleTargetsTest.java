package io.stableserve.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stableserve.api.Conditions;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.decide.ReplicaCounts;
import org.junit.jupiter.api.Test;

/** The API server's refusals, as the mock server answers them from expectations. */
@EnableKubernetesMockClient
class KubernetesScaleTargetsTest {

  KubernetesMockServer server;
  KubernetesClient client;

  static final ScaleTargetRef VLLM = new ScaleTargetRef("apps/v1", "Deployment", "vllm");

  @Test
  void aTargetTheOperatorMayNotReadIsForbidden() {
    server.expect().get().withPath("/apis/apps/v1/namespaces/llm/deployments/vllm").andReturn(403, "forbidden").always();
    TargetResolution r = new KubernetesScaleTargets(client).resolve("llm", VLLM);
    assertThat(r).isInstanceOf(TargetResolution.Unresolved.class);
    assertThat(((TargetResolution.Unresolved) r).reason()).isEqualTo(Conditions.FORBIDDEN);
    assertThat(((TargetResolution.Unresolved) r).message()).contains("may not read Deployment/vllm");
  }

  @Test
  void aTargetWithoutScaleIsNotScalable() {
    server.expect().get().withPath("/apis/apps/v1/namespaces/llm/deployments/vllm")
        .andReturn(200, deployment(2, 2)).always();
    server.expect().get().withPath("/apis/apps/v1/namespaces/llm/deployments/vllm/scale").andReturn(404, "").always();
    TargetResolution r = new KubernetesScaleTargets(client).resolve("llm", VLLM);
    assertThat(((TargetResolution.Unresolved) r).reason()).isEqualTo(Conditions.TARGET_NOT_SCALABLE);
  }

  @Test
  void readsSpecFromScaleAndReadyFromStatusAndFindsNoOtherAutoscaler() {
    server.expect().get().withPath("/apis/apps/v1/namespaces/llm/deployments/vllm").andReturn(200, deployment(3, 1)).always();
    server.expect().get().withPath("/apis/apps/v1/namespaces/llm/deployments/vllm/scale")
        .andReturn(200, "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"vllm\"},"
            + "\"spec\":{\"replicas\":3},\"status\":{\"replicas\":3}}").always();
    server.expect().get().withPath("/apis/autoscaling/v1/namespaces/llm/horizontalpodautoscalers")
        .andReturn(200, "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscalerList\",\"items\":[]}").always();
    // KEDA not installed: its list answers 404
    server.expect().get().withPath("/apis/keda.sh/v1alpha1/namespaces/llm/scaledobjects").andReturn(404, "").always();
    TargetResolution r = new KubernetesScaleTargets(client).resolve("llm", VLLM);
    assertThat(r).isInstanceOf(TargetResolution.Resolved.class);
    assertThat(((TargetResolution.Resolved) r).target().replicas()).isEqualTo(new ReplicaCounts(3, 1));
  }

  @Test
  void aRefusedScaleWriteSaysWhatTheApiServerAnswered() {
    server.expect().get().withPath("/apis/apps/v1/namespaces/llm/deployments/vllm").andReturn(200, deployment(1, 1)).always();
    server.expect().patch().withPath("/apis/apps/v1/namespaces/llm/deployments/vllm/scale").andReturn(409, "conflict").always();
    assertThatThrownBy(() -> new KubernetesScaleTargets(client).scale("llm", VLLM, 4))
        .isInstanceOf(ScaleFailedException.class)
        .hasMessageContaining("setting Deployment/vllm (apps/v1) to 4 replicas through /scale failed: HTTP 409");
  }

  private static String deployment(int replicas, int ready) {
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(new DeploymentBuilder()
        .withNewMetadata().withName("vllm").withNamespace("llm").endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec()
        .withNewStatus().withReplicas(replicas).withReadyReplicas(ready).endStatus().build());
  }
}
