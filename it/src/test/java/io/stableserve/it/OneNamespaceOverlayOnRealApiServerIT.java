package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stableserve.api.InferenceService;
import io.stableserve.api.OperatorPermissions;
import io.stableserve.api.OperatorPermissions.Permission;
import io.stableserve.api.OperatorPermissions.Scope;
import io.stableserve.e2e.RealApiServers;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deploy/overlays/one-namespace, rendered by {@code kubectl kustomize}, on kube-apiserver v1.20.2 in
 * place of the all-namespaces binding: as its ServiceAccount the operator may do its work in the
 * namespace the overlay binds (and elect in its own), and is refused the same requests in another
 * namespace and across all namespaces. Both the RBAC decisions (SelfSubjectAccessReview, what
 * {@code kubectl auth can-i} asks) for every grant of {@link OperatorPermissions} and real requests
 * of the operator's pass are tried. The all-namespaces binding of the install bundle is put back
 * afterwards, for the other tests of the run; the namespace {@code elsewhere} stays (without a
 * controller-manager a deleted namespace is never finalized).
 */
class OneNamespaceOverlayOnRealApiServerIT {

  private static final String ADMIN = "kube-admin.kubeconfig";
  private static final String ELSEWHERE = "elsewhere";
  private static final String NAME = "llama-3-1-8b";
  private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "Role", "RoleBinding", "ClusterRoleBinding");

  @Test
  void theOperatorMayWorkInTheBoundNamespaceAndIsRefusedTheSameElsewhere() throws Exception {
    KubernetesClient admin = InstalledBundle.admin();
    Kubectl.requireNewerThanV120("kubectl kustomize of the overlay's inline patches");
    String rendered = Kubectl.run(ADMIN, "kustomize", RealApiServers.ROOT.resolve("deploy/overlays/one-namespace").toString()).ok();
    List<HasMetadata> overlay = InstalledBundle.forV120(
        admin.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items());
    assertThat(overlay).as("no cluster-wide binding in the overlay").noneMatch(ClusterRoleBinding.class::isInstance);
    RoleBinding binding = overlay.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
        .filter(b -> b.getRoleRef().getName().equals(InstalledBundle.ACCOUNT)).findFirst().orElseThrow();
    String watched = binding.getMetadata().getNamespace();
    Deployment deployment = overlay.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .as("the operator watches the namespace the overlay binds").contains(new EnvVar("WATCH_NAMESPACES", watched, null));
    assertThat(watched).isEqualTo(InstalledBundle.WATCHED);

    // what the operator finds in the watched namespace (the samples), and the same in another
    InstalledBundle.apply(admin, InstalledBundle.namespaceAndDeployment(ELSEWHERE, NAME) + """
        ---
        apiVersion: stableserve.io/v1alpha1
        kind: InferenceService
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          scaleTargetRef: {kind: Deployment, name: %2$s}
          replicas: {max: 8}
          metrics: {prometheusUrl: 'http://prometheus.monitoring:9090', selector: 'namespace="%1$s"'}
        """.formatted(ELSEWHERE, NAME));

    ClusterRoleBinding allNamespaces = InstalledBundle.forV120(InstalledBundle.load(admin, RealApiServers.ROOT.resolve("deploy/install.yaml")))
        .stream().filter(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast).findFirst().orElseThrow();
    try (KubernetesClient operator = RealApiServers.kubeOperator()) {
      admin.resource(allNamespaces).withTimeout(30, TimeUnit.SECONDS).delete();
      // its RBAC only: the Deployment's WATCH_NAMESPACES is for the process, which this test does not run
      for (HasMetadata object : overlay) {
        if (RBAC_KINDS.contains(object.getKind())) {
          admin.resource(object).fieldManager("stableserve-it-one-namespace").forceConflicts().serverSideApply();
        }
      }
      // the authorizer reads bindings from its informers: wait until it has seen both changes
      awaitDecision(operator, ELSEWHERE, "list", InferenceService.GROUP, InferenceService.PLURAL, false);
      awaitDecision(operator, watched, "list", InferenceService.GROUP, InferenceService.PLURAL, true);

      Map<String, Boolean> expected = new TreeMap<>();
      Map<String, Boolean> decided = new TreeMap<>();
      for (Permission p : OperatorPermissions.ALL) {
        for (String verb : p.verbs()) {
          if (p.scope() == Scope.OPERATOR_NAMESPACE) {
            decide(operator, InstalledBundle.SYSTEM, verb, p, true, expected, decided);
          } else {
            decide(operator, watched, verb, p, true, expected, decided);
            decide(operator, ELSEWHERE, verb, p, false, expected, decided);
            decide(operator, "", verb, p, false, expected, decided);
          }
        }
      }
      assertThat(decided).as("RBAC decisions for the operator (true: allowed)").isEqualTo(expected);
      assertThat(expected).hasSizeGreaterThan(40).containsValue(true).containsValue(false);

      for (String namespace : List.of(watched, ELSEWHERE)) {
        String scale = "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + NAME + "/scale";
        int replicas = admin.apps().deployments().inNamespace(namespace).withName(NAME).get().getSpec().getReplicas();
        String services = "/apis/stableserve.io/v1alpha1/namespaces/" + namespace + "/inferenceservices";
        Map<String, Integer> codes = new TreeMap<>();
        codes.put("list inferenceservices", Http.get(operator, services).code());
        codes.put("get deployments/scale", Http.get(operator, scale).code());
        codes.put("patch deployments/scale", Http.call(operator, "PATCH", scale, Http.MERGE_PATCH,
            "{\"spec\":{\"replicas\":" + replicas + "}}").code());
        codes.put("get deployments", Http.get(operator, "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + NAME).code());
        codes.put("patch inferenceservices/status", Http.call(operator, "PATCH", services + "/" + NAME + "/status",
            Http.MERGE_PATCH, "{\"status\":{\"observedGeneration\":1}}").code());
        codes.put("list horizontalpodautoscalers",
            Http.get(operator, "/apis/autoscaling/v1/namespaces/" + namespace + "/horizontalpodautoscalers").code());
        codes.put("create events", Http.call(operator, "POST", "/api/v1/namespaces/" + namespace + "/events", Http.JSON, """
            {"apiVersion":"v1","kind":"Event","metadata":{"generateName":"%2$s."},
             "involvedObject":{"apiVersion":"stableserve.io/v1alpha1","kind":"InferenceService","name":"%2$s","namespace":"%1$s"},
             "reason":"OneNamespaceOverlay","message":"tried","type":"Normal","source":{"component":"stableserve-operator"}}"""
            .formatted(namespace, NAME)).code());
        assertThat(codes).as("the operator's requests in %s", namespace).allSatisfy((request, code) -> {
          if (namespace.equals(watched)) {
            assertThat(code).as(request + " in " + namespace).isBetween(200, 201);
          } else {
            assertThat(code).as(request + " in " + namespace).isEqualTo(403);
          }
        });
      }
      assertThat(Http.get(operator, "/apis/stableserve.io/v1alpha1/inferenceservices").code())
          .as("list InferenceServices across all namespaces").isEqualTo(403);
    } finally {
      admin.resource(binding).delete();
      admin.resource(allNamespaces).fieldManager("stableserve-it").forceConflicts().serverSideApply();
    }
  }

  private static void decide(KubernetesClient operator, String namespace, String verb, Permission p, boolean allowed,
      Map<String, Boolean> expected, Map<String, Boolean> decided) {
    String request = verb + " " + p.apiGroup() + "/" + p.resource() + " in " + (namespace.isEmpty() ? "all namespaces" : namespace);
    expected.put(request, allowed);
    decided.put(request, allowed(operator, namespace, verb, p.apiGroup(), p.resource()));
  }

  private static void awaitDecision(KubernetesClient operator, String namespace, String verb, String group, String resource,
      boolean allowed) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (allowed(operator, namespace, verb, group, resource) != allowed) {
      assertThat(Instant.now()).as("%s %s in %s allowed=%s within 15 s", verb, resource, namespace, allowed).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  /** The API server's RBAC decision for the client's own user. */
  private static boolean allowed(KubernetesClient client, String namespace, String verb, String group, String resource) {
    String[] parts = resource.split("/", 2);
    SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec()
        .withResourceAttributes(new ResourceAttributesBuilder().withNamespace(namespace).withVerb(verb).withGroup(group)
            .withResource(parts[0]).withSubresource(parts.length > 1 ? parts[1] : null).build())
        .endSpec().build();
    return client.authorization().v1().selfSubjectAccessReview().create(review).getStatus().getAllowed();
  }
}
