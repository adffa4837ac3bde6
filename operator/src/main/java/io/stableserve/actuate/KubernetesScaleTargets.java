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
import io.stableserve.api.OperatorMetrics;
import io.stableserve.api.OperatorPermissions;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.decide.ReplicaCounts;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Scale targets through the Kubernetes API with Fabric8. Every call here is one of
 * {@link OperatorPermissions#ALL}:
 * <ul>
 *   <li>{@code get} on the target (e.g. {@code apps/deployments}) for its existence and ready replicas;</li>
 *   <li>{@code get} and {@code patch} on its {@code /scale} subresource for the spec replicas and to
 *       set them (a JSON merge patch of {@code spec.replicas}, which every /scale serves);</li>
 *   <li>{@code list} on {@code autoscaling/horizontalpodautoscalers} and {@code keda.sh/scaledobjects}
 *       in the namespace to find another autoscaler of the same target (HPAs as {@code autoscaling/v1},
 *       in Metric mode as {@code autoscaling/v2}: RBAC does not tell versions apart).</li>
 * </ul>
 * Any kind with a /scale subresource works; kinds Fabric8 does not know are found by API discovery.
 */
public final class KubernetesScaleTargets implements ScaleTargets {

  static final ResourceDefinitionContext SCALED_OBJECTS = new ResourceDefinitionContext.Builder()
      .withGroup(OperatorPermissions.KEDA_GROUP).withVersion("v1alpha1").withKind("ScaledObject")
      .withPlural("scaledobjects").withNamespaced(true).build();

  static final ResourceDefinitionContext HPAS_V2 = new ResourceDefinitionContext.Builder()
      .withGroup("autoscaling").withVersion("v2").withKind("HorizontalPodAutoscaler")
      .withPlural("horizontalpodautoscalers").withNamespaced(true).build();
  /** The label KEDA puts on the HPA it creates for a ScaledObject. */
  static final String KEDA_OWNER_LABEL = "scaledobject.keda.sh/name";

  private final KubernetesClient client;

  public KubernetesScaleTargets(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "Kubernetes client");
  }

  @Override
  public TargetResolution resolve(String namespace, ScaleTargetRef ref) {
    return resolve(namespace, ref, Optional.empty());
  }

  @Override
  public TargetResolution resolve(String namespace, ScaleTargetRef ref, Optional<DecisionSeries> exported) {
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
      conflict = conflict(namespace, ref, exported);
    } catch (KubernetesClientException e) {
      return refused(e, ref, "look for other autoscalers of");
    }
    if (conflict.isPresent()) {
      return new TargetResolution.Unresolved(Conditions.CONFLICTING_AUTOSCALER, conflict.get());
    }
    int spec = scale != null && scale.getSpec() != null && scale.getSpec().getReplicas() != null
        ? scale.getSpec().getReplicas() : intAt(object, "spec", "replicas").orElse(0);
    // Kubernetes omits readyReplicas when it is 0.
    int ready = intAt(object, "status", "readyReplicas").orElse(0);
    // Pods that exist but are not ready yet are coming: the target's refusal is of the rest, and
    // counts once those have come.
    int created = intAt(object, "status", "replicas").orElse(0);
    Optional<String> refused = created > ready ? Optional.empty() : creationRefused(object);
    return new TargetResolution.Resolved(new ScaleTarget(namespace, ref, new ReplicaCounts(spec, ready), refused));
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
   * Why another autoscaler's presence stops StableServe from scaling the target, if it does. In
   * Enforce and Recommend mode every HPA and ScaledObject of the target does. In Metric mode
   * exactly one ScaledObject or autoscaling/v2 HPA reading the exported series
   * ({@link DecisionReaders}) is the service's actuator and is accepted, with the HPA KEDA made for
   * that ScaledObject; any other autoscaler of the target, or a second reader, is refused.
   */
  Optional<String> conflict(String namespace, ScaleTargetRef ref, Optional<DecisionSeries> exported) {
    List<Found> found = new ArrayList<>();
    for (GenericKubernetesResource so : scaledObjects(namespace)) {
      Object target = so.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec ? spec.get("scaleTargetRef") : null;
      if (target instanceof Map<?, ?> t) {
        Object kind = t.get("kind") == null ? "Deployment" : t.get("kind");
        if (ref.getKind().equals(kind) && ref.getName().equals(t.get("name"))) {
          found.add(new Found("KEDA ScaledObject " + so.getMetadata().getName(), Optional.empty(),
              exported.flatMap(e -> DecisionReaders.scaledObjectMisses(so.getAdditionalProperties().get("spec"), e))));
        }
      }
    }
    if (exported.isEmpty()) {
      for (HorizontalPodAutoscaler hpa : client.autoscaling().v1().horizontalPodAutoscalers().inNamespace(namespace).list().getItems()) {
        var target = hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
        if (target != null && ref.getKind().equals(target.getKind()) && ref.getName().equals(target.getName())) {
          found.add(0, new Found("HorizontalPodAutoscaler " + hpa.getMetadata().getName(), Optional.empty(), Optional.empty()));
        }
      }
      return found.isEmpty() ? Optional.empty() : Optional.of(found.stream().map(Found::description)
          .collect(Collectors.joining(" and ")) + " also scales " + ref
          + "; StableServe does not fight over it: delete one of them, use mode Recommend, or use mode Metric with one "
          + "ScaledObject or HPA reading " + OperatorMetrics.DESIRED_REPLICAS + " (deploy/samples/metric-mode/)");
    }
    DecisionSeries series = exported.get();
    // Metric mode reads HPAs as autoscaling/v2, the first version that holds External metrics in its spec.
    for (GenericKubernetesResource hpa : client.genericKubernetesResources(HPAS_V2).inNamespace(namespace).list().getItems()) {
      Object spec = hpa.getAdditionalProperties().get("spec");
      Object target = spec instanceof Map<?, ?> m ? m.get("scaleTargetRef") : null;
      if (target instanceof Map<?, ?> t && ref.getKind().equals(t.get("kind")) && ref.getName().equals(t.get("name"))) {
        found.add(new Found("HorizontalPodAutoscaler " + hpa.getMetadata().getName(), kedaOwner(hpa),
            DecisionReaders.hpaMisses(spec, series)));
      }
    }
    // The HPA KEDA creates for a ScaledObject is that ScaledObject's doing, judged with it.
    List<Found> own = found.stream().filter(f -> f.owner().isEmpty()).toList();
    List<String> readers = own.stream().filter(f -> f.misses().isEmpty()).map(Found::description).toList();
    List<Found> others = own.stream().filter(f -> f.misses().isPresent()).toList();
    if (!others.isEmpty()) {
      return Optional.of(others.stream().map(f -> f.description() + " (" + f.misses().get() + ")")
          .collect(Collectors.joining(" and ")) + " also scales " + ref + " without reading "
          + series + "; in Metric mode the target's one autoscaler must read that series alone: delete the other "
          + "autoscaler or make it read the series (deploy/samples/metric-mode/)");
    }
    if (readers.size() > 1) {
      return Optional.of(String.join(" and ", readers) + " all read " + series + " and scale " + ref
          + "; two autoscalers of one target fight over it: keep one of them");
    }
    return Optional.empty();
  }

  /**
   * An autoscaler of the target.
   *
   * @param owner the KEDA ScaledObject that made this HPA, when KEDA made it
   * @param misses in Metric mode, why it does not read the exported series (empty when it does; in
   *     the other modes, where any autoscaler is refused, always empty)
   */
  private record Found(String description, Optional<String> owner, Optional<String> misses) {}

  private List<GenericKubernetesResource> scaledObjects(String namespace) {
    try {
      return client.genericKubernetesResources(SCALED_OBJECTS).inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      return List.of(); // KEDA is not installed
    }
  }

  /** The ScaledObject that owns an HPA KEDA made (its owner reference, else KEDA's label). */
  private static Optional<String> kedaOwner(GenericKubernetesResource hpa) {
    if (hpa.getMetadata().getOwnerReferences() != null) {
      for (var owner : hpa.getMetadata().getOwnerReferences()) {
        if ("ScaledObject".equals(owner.getKind()) && owner.getApiVersion() != null
            && owner.getApiVersion().startsWith(OperatorPermissions.KEDA_GROUP + "/")) {
          return Optional.of(owner.getName());
        }
      }
    }
    return Optional.ofNullable(hpa.getMetadata().getLabels()).map(l -> l.get(KEDA_OWNER_LABEL));
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

  /**
   * Why the target says its replicas are not coming, from the conditions a Deployment reports: the
   * ReplicaSet could not create pods ({@code ReplicaFailure}, e.g. a ResourceQuota refused them), or
   * the rollout made no progress within its deadline ({@code Progressing=False},
   * {@code ProgressDeadlineExceeded}, e.g. pods that no node can take). Other kinds report neither.
   * Conditions the controller wrote before it saw the newest spec ({@code status.observedGeneration}
   * below {@code metadata.generation}, as after a scale it has not acted on yet) describe the old one.
   */
  static Optional<String> creationRefused(GenericKubernetesResource object) {
    if (!(object.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
        || !(status.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    Long generation = object.getMetadata() == null ? null : object.getMetadata().getGeneration();
    if (generation != null && status.get("observedGeneration") instanceof Number observed && observed.longValue() < generation) {
      return Optional.empty();
    }
    for (Object c : conditions) {
      if (c instanceof Map<?, ?> condition) {
        boolean failure = "ReplicaFailure".equals(condition.get("type")) && "True".equals(condition.get("status"));
        boolean deadline = "Progressing".equals(condition.get("type")) && "False".equals(condition.get("status"))
            && "ProgressDeadlineExceeded".equals(condition.get("reason"));
        if (failure || deadline) {
          Object reason = condition.get("reason") == null ? condition.get("type") : condition.get("reason");
          return Optional.of(reason + (condition.get("message") == null ? "" : ": " + condition.get("message")));
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Integer> intAt(GenericKubernetesResource object, String section, String field) {
    if (object.getAdditionalProperties().get(section) instanceof Map<?, ?> m && m.get(field) instanceof Number n) {
      return Optional.of(n.intValue());
    }
    return Optional.empty();
  }
}
