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

  private static final Set<String> READ = Set.of("get", "list", "watch");
  private static final Set<String> SCALE = Set.of("get", "update", "patch");

  public static final List<Permission> ALL = List.of(
      new Permission(Scope.WATCHED_NAMESPACES, InferenceService.GROUP, InferenceService.PLURAL, READ,
          "watch InferenceServices"),
      new Permission(Scope.WATCHED_NAMESPACES, InferenceService.GROUP, InferenceService.PLURAL + "/status",
          Set.of("get", "update", "patch"), "write their status"),
      new Permission(Scope.WATCHED_NAMESPACES, SCALE_GROUP_APPS, "deployments/scale", SCALE,
          "read and set the replicas of Deployment targets"),
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
      new Permission(Scope.WATCHED_NAMESPACES, "autoscaling", "horizontalpodautoscalers", READ,
          "detect an HPA that scales the same target"),
      new Permission(Scope.WATCHED_NAMESPACES, KEDA_GROUP, "scaledobjects", READ,
          "detect a KEDA ScaledObject that scales the same target"),
      new Permission(Scope.WATCHED_NAMESPACES, "", "events", Set.of("create", "patch"),
          "report decisions and problems as Events on the InferenceService"),
      new Permission(Scope.OPERATOR_NAMESPACE, "coordination.k8s.io", "leases", Set.of("get", "create", "update"),
          "leader election between operator replicas"));

  /**
   * Secrets are not in {@link #ALL}: the operator reads only the Secrets an InferenceService names
   * in {@code metrics.bearerTokenSecretRef} and {@code metrics.caSecretRef}, and only where the
   * user grants {@code get} on those names with a Role in that namespace (docs/operations.md).
   */
  public static final Permission NAMED_SECRETS = new Permission(Scope.WATCHED_NAMESPACES, "", "secrets",
      Set.of("get"), "read the bearer token and CA named in metrics (granted per namespace, per name)");

  private OperatorPermissions() {}

  /** Whether the operator is meant to use {@code verb} on {@code resource} of {@code apiGroup}. */
  public static boolean uses(String apiGroup, String resource, String verb) {
    return ALL.stream().anyMatch(p -> p.apiGroup().equals(apiGroup) && p.resource().equals(resource) && p.verbs().contains(verb));
  }
}
