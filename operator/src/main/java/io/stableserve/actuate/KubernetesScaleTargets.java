package io.stableserve.actuate;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.stableserve.api.Conditions;
import io.stableserve.api.OperatorPermissions;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.decide.ReplicaCounts;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Scale targets through the Kubernetes API with Fabric8. Every call here is one of
 * {@link OperatorPermissions#ALL}:
 * <ul>
 *   <li>{@code get} on the target (e.g. {@code apps/deployments}) for its existence and ready replicas;</li>
 *   <li>{@code get} and {@code patch} on its {@code /scale} subresource for the spec replicas and to
 *       set them (a JSON merge patch of {@code spec.replicas}, which every /scale serves);</li>
 *   <li>{@code list} on {@code autoscaling/horizontalpodautoscalers} and {@code keda.sh/scaledobjects}
 *       in the namespace to find another autoscaler of the same target.</li>
 * </ul>
 * Any kind with a /scale subresource works; kinds Fabric8 does not know are found by API discovery.
 */
public final class KubernetesScaleTargets implements ScaleTargets {

  static final ResourceDefinitionContext SCALED_OBJECTS = new ResourceDefinitionContext.Builder()
      .withGroup(OperatorPermissions.KEDA_GROUP).withVersion("v1alpha1").withKind("ScaledObject")
      .withPlural("scaledobjects").withNamespaced(true).build();

  private final KubernetesClient client;

  public KubernetesScaleTargets(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "Kubernetes client");
  }

  @Override
  public TargetResolution resolve(String namespace, ScaleTargetRef ref) {
    Resource<GenericKubernetesResource> resource;
    GenericKubernetesResource object;
    try {
      resource = target(namespace, ref);
      object = resource.get();
    } catch (KubernetesClientException e) {
      return refused(e, ref, "read");
    }
    if (object == null) {
      return new TargetResolution.Unresolved(Conditions.TARGET_NOT_FOUND,
          ref + " does not exist in namespace " + namespace + "; create it or fix spec.scaleTargetRef");
    }
    Scale scale;
    try {
      scale = resource.scale();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND || e.getCode() == HttpURLConnection.HTTP_BAD_METHOD) {
        return new TargetResolution.Unresolved(Conditions.TARGET_NOT_SCALABLE,
            ref + " has no /scale subresource; point spec.scaleTargetRef at a Deployment, StatefulSet, LeaderWorkerSet or another kind with /scale");
      }
      return refused(e, ref, "read /scale of");
    }
    Optional<String> conflict;
    try {
      conflict = otherAutoscaler(namespace, ref);
    } catch (KubernetesClientException e) {
      return refused(e, ref, "look for other autoscalers of");
    }
    if (conflict.isPresent()) {
      return new TargetResolution.Unresolved(Conditions.CONFLICTING_AUTOSCALER, conflict.get()
          + " also scales " + ref + "; StableServe does not fight over it: delete one of them or use mode Recommend");
    }
    int spec = scale != null && scale.getSpec() != null && scale.getSpec().getReplicas() != null
        ? scale.getSpec().getReplicas() : intAt(object, "spec", "replicas").orElse(0);
    // Kubernetes omits readyReplicas when it is 0.
    int ready = intAt(object, "status", "readyReplicas").orElse(0);
    return new TargetResolution.Resolved(new ScaleTarget(namespace, ref, new ReplicaCounts(spec, ready)));
  }

  @Override
  public void scale(String namespace, ScaleTargetRef ref, int replicas) throws ScaleFailedException {
    try {
      target(namespace, ref).subresource("scale")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
    } catch (KubernetesClientException e) {
      throw new ScaleFailedException("setting " + ref + " to " + replicas + " replicas through /scale failed: "
          + (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + e.getMessage(), e);
    }
  }

  private Resource<GenericKubernetesResource> target(String namespace, ScaleTargetRef ref) {
    return client.genericKubernetesResources(ref.getApiVersion(), ref.getKind()).inNamespace(namespace).withName(ref.getName());
  }

  /**
   * The HPA or ScaledObject in the namespace that scales the same workload, named, if any. HPAs are
   * listed as {@code autoscaling/v1}, which every Kubernetes version serves and which holds every
   * HPA whatever version it was written in; the target is all that is read.
   */
  Optional<String> otherAutoscaler(String namespace, ScaleTargetRef ref) {
    List<String> found = new ArrayList<>();
    for (HorizontalPodAutoscaler hpa : client.autoscaling().v1().horizontalPodAutoscalers().inNamespace(namespace).list().getItems()) {
      var target = hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
      if (target != null && ref.getKind().equals(target.getKind()) && ref.getName().equals(target.getName())) {
        found.add("HorizontalPodAutoscaler " + hpa.getMetadata().getName());
      }
    }
    List<GenericKubernetesResource> scaledObjects;
    try {
      scaledObjects = client.genericKubernetesResources(SCALED_OBJECTS).inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      scaledObjects = List.of(); // KEDA is not installed
    }
    for (GenericKubernetesResource so : scaledObjects) {
      Object target = so.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec ? spec.get("scaleTargetRef") : null;
      if (target instanceof Map<?, ?> t) {
        Object kind = t.get("kind") == null ? "Deployment" : t.get("kind");
        if (ref.getKind().equals(kind) && ref.getName().equals(t.get("name"))) {
          found.add("KEDA ScaledObject " + so.getMetadata().getName());
        }
      }
    }
    return found.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", found));
  }

  private static TargetResolution refused(KubernetesClientException e, ScaleTargetRef ref, String what) {
    if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
      return new TargetResolution.Unresolved(Conditions.FORBIDDEN,
          "the operator may not " + what + " " + ref + ": grant it in the operator's RBAC (" + e.getMessage() + ")");
    }
    if (e.getCode() == 0 && e.getMessage() != null && e.getMessage().contains("Could not find")) {
      return new TargetResolution.Unresolved(Conditions.TARGET_NOT_SCALABLE,
          "the API server does not serve kind " + ref.getKind() + " in " + ref.getApiVersion() + ": " + e.getMessage());
    }
    throw e;
  }

  private static Optional<Integer> intAt(GenericKubernetesResource object, String section, String field) {
    if (object.getAdditionalProperties().get(section) instanceof Map<?, ?> m && m.get(field) instanceof Number n) {
      return Optional.of(n.intValue());
    }
    return Optional.empty();
  }
}
