package io.stableserve.api;

import java.util.List;
import java.util.Set;

/**
 * Every Kubernetes API call the operator makes, as RBAC rules. The RBAC under {@code deploy/} is
 * checked against this list in both directions (it must grant each entry and nothing else), so a
 * new API call in the operator needs a new entry here and a rule there.
 */
public final class OperatorPermissions {

  /** Where the grant lives. */
  public enum Scope {
    /** The watched namespaces: a ClusterRole (all namespaces) or a Role in each watched namespace. */
    WATCHED_NAMESPACES,
    /** The operator's own namespace only: a Role. */
    OPERATOR_NAMESPACE
  }

  /**
   * One rule.
   *
   * @param apiGroup the API group, {@code ""} for the core group
   * @param resource the resource, with {@code /subresource} where it is one
   * @param verbs the verbs
   * @param why what the operator uses it for
   */
  public record Permission(Scope scope, String apiGroup, String resource, Set<String> verbs, String why) {
    public Permission {
      verbs = Set.copyOf(verbs);
    }
  }

  public static final String SCALE_GROUP_APPS = "apps";
  public static final String LWS_GROUP = "leaderworkerset.x-k8s.io";
  public static final String KEDA_GROUP = "keda.sh";

  private static final Set<String> SCALE = Set.of("get", "patch");

  public static final List<Permission> ALL = List.of(
      new Permission(Scope.WATCHED_NAMESPACES, InferenceService.GROUP, InferenceService.PLURAL, Set.of("list", "watch"),
          "watch InferenceServices (the informer lists, then watches)"),
      new Permission(Scope.WATCHED_NAMESPACES, InferenceService.GROUP, InferenceService.PLURAL + "/status",
          Set.of("patch", "update"), "write their status (a JSON patch of status; in a pass that scales, a PUT before /scale, again if /scale fails)"),
      new Permission(Scope.WATCHED_NAMESPACES, SCALE_GROUP_APPS, "deployments/scale", SCALE,
          "read and set the replicas of Deployment targets (a merge patch of spec.replicas)"),
      new Permission(Scope.WATCHED_NAMESPACES, SCALE_GROUP_APPS, "statefulsets/scale", SCALE,
          "read and set the replicas of StatefulSet targets"),
      new Permission(Scope.WATCHED_NAMESPACES, LWS_GROUP, "leaderworkersets/scale", SCALE,
          "read and set the replicas of LeaderWorkerSet targets"),
      new Permission(Scope.WATCHED_NAMESPACES, SCALE_GROUP_APPS, "deployments", Set.of("get"),
          "resolve Deployment targets and count replicas still starting (ready vs desired)"),
      new Permission(Scope.WATCHED_NAMESPACES, SCALE_GROUP_APPS, "statefulsets", Set.of("get"),
          "resolve StatefulSet targets and count replicas still starting"),
      new Permission(Scope.WATCHED_NAMESPACES, LWS_GROUP, "leaderworkersets", Set.of("get"),
          "resolve LeaderWorkerSet targets and count replicas still starting"),
      new Permission(Scope.WATCHED_NAMESPACES, "autoscaling", "horizontalpodautoscalers", Set.of("list"),
          "detect an HPA that scales the same target"),
      new Permission(Scope.WATCHED_NAMESPACES, KEDA_GROUP, "scaledobjects", Set.of("list"),
          "detect a KEDA ScaledObject that scales the same target"),
      new Permission(Scope.WATCHED_NAMESPACES, "", "events", Set.of("create"),
          "report decisions and problems as Events on the InferenceService (each Event is new)"),
      new Permission(Scope.OPERATOR_NAMESPACE, "coordination.k8s.io", "leases", Set.of("get", "create", "patch", "update"),
          "leader election between operator replicas: the lock reads, creates and renews (patch) its Lease; update is"
              + " never called, but the Java Operator SDK refuses to elect unless it is granted"));

  /**
   * Secrets are not in {@link #ALL}: the operator reads only the Secrets an InferenceService names
   * in {@code metrics.bearerTokenSecretRef} and {@code metrics.caSecretRef}, and only where the
   * user grants {@code get} on those names with a Role in that namespace (docs/operations.md).
   */
  public static final Permission NAMED_SECRETS = new Permission(Scope.WATCHED_NAMESPACES, "", "secrets",
      Set.of("get"), "read the bearer token and CA named in metrics (granted per namespace, per name)");

  private OperatorPermissions() {}
}
