package io.stableserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.api.CrdValidator;
import io.stableserve.api.InferenceService;
import io.stableserve.api.Mode;
import io.stableserve.api.OperatorMetrics;
import io.stableserve.api.OperatorPermissions;
import io.stableserve.api.OperatorPermissions.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/}: the install bundle is what the kustomize sources render, every manifest parses
 * into Fabric8's types and applies to an API server, the samples satisfy the CRD, and the RBAC
 * grants exactly {@link OperatorPermissions}.
 */
@EnableKubernetesMockClient(crud = true)
class DeployManifestsTest {

  static final Path DEPLOY = Path.of("..", "deploy");
  static final Path INSTALL = DEPLOY.resolve("install.yaml");
  static final Path ALL_NAMESPACES = DEPLOY.resolve("overlays/all-namespaces");
  static final Path ONE_NAMESPACE = DEPLOY.resolve("overlays/one-namespace");
  static final String REFRESH = "./mvnw -B -q -pl operator test -Dtest=DeployManifestsTest -Ddeploy.update";
  static final String OPERATOR_NAMESPACE = "stableserve-system";
  static final String SERVICE_ACCOUNT = "stableserve-operator";

  static KubernetesClient client;

  static String rendered() {
    return "# StableServe operator, all namespaces. Rendered from deploy/overlays/all-namespaces; do not edit.\n"
        + "# Install: kubectl apply --server-side -f deploy/install.yaml\n"
        + "# Refresh: " + REFRESH + "\n"
        + Kustomize.toYaml(Kustomize.build(ALL_NAMESPACES));
  }

  @Test
  void installYamlIsRenderedFromTheKustomizeSourcesAndTheCrd() throws IOException {
    String expected = rendered();
    if (System.getProperty("deploy.update") != null) {
      Files.writeString(INSTALL, expected);
    }
    assertThat(Files.exists(INSTALL) ? Files.readString(INSTALL) : "")
        .as("deploy/install.yaml is stale: deploy/overlays/all-namespaces or crds/ changed. Refresh it with:%n  %s%n", REFRESH)
        .isEqualTo(expected);
  }

  @Test
  void installYamlReadsBackAsTheRenderedObjects() {
    assertThat(Kustomize.readDocuments(INSTALL)).isEqualTo(Kustomize.build(ALL_NAMESPACES));
  }

  @Test
  void rendererAgreesWithKubectlKustomize() throws Exception {
    assumeTrue(kubectlKustomizeWorks(), "kubectl with kustomize is not installed here; the renderer is compared with it where it is");
    for (Path overlay : List.of(ALL_NAMESPACES, ONE_NAMESPACE)) {
      assertRendersAsKubectlKustomize(overlay);
    }
  }

  /**
   * A release pins the operator image by digest with {@code kustomize edit set image} in
   * {@code deploy/base}, which writes an {@code images} entry; install.yaml is then rendered with it.
   */
  @Test
  void anImagePinnedByDigestRendersAsNameAtDigest() throws Exception {
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    Path release = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "release-overlay");
    try {
      Files.writeString(release.resolve("kustomization.yaml"), String.join("\n",
          "apiVersion: kustomize.config.k8s.io/v1beta1",
          "kind: Kustomization",
          "resources:",
          "- " + release.relativize(ALL_NAMESPACES.toAbsolutePath().normalize()),
          "images:",
          "- name: stableserve/stableserve-operator",
          "  newName: registry.example.com/stableserve-operator",
          "  newTag: 0.1.0",
          "  digest: " + digest, ""));
      List<ObjectNode> objects = Kustomize.build(release);
      assertThat(deployment(objects).getSpec().getTemplate().getSpec().getContainers()).singleElement()
          .satisfies(c -> assertThat(c.getImage()).isEqualTo("registry.example.com/stableserve-operator:0.1.0@" + digest));
      assertThat(Kustomize.build(ALL_NAMESPACES)).as("only the Deployment changes")
          .containsAll(objects.stream().filter(o -> !o.path("kind").asText().equals("Deployment")).toList());
      if (kubectlKustomizeWorks()) {
        assertRendersAsKubectlKustomize(release);
      }
    } finally {
      Files.deleteIfExists(release.resolve("kustomization.yaml"));
      Files.delete(release);
    }
  }

  @Test
  void imagesEntriesRenameRetagAndPinOnlyTheImageTheyName() {
    ObjectNode pin = Serialization.jsonMapper().createObjectNode().put("name", "stableserve/stableserve-operator")
        .put("digest", "sha256:ab");
    assertThat(Kustomize.imageReference("stableserve/stableserve-operator:0.1.0", pin)).isEqualTo("stableserve/stableserve-operator@sha256:ab");
    assertThat(Kustomize.imageReference("stableserve/stableserve-operator", pin)).isEqualTo("stableserve/stableserve-operator@sha256:ab");
    assertThat(Kustomize.imageReference("stableserve/other:0.1.0", pin)).isEqualTo("stableserve/other:0.1.0");
    ObjectNode move = Serialization.jsonMapper().createObjectNode().put("name", "stableserve/stableserve-operator")
        .put("newName", "registry.example.com:5000/stableserve-operator");
    assertThat(Kustomize.imageReference("stableserve/stableserve-operator:0.1.0", move))
        .isEqualTo("registry.example.com:5000/stableserve-operator:0.1.0");
    assertThat(Kustomize.imageReference("registry.example.com:5000/stableserve-operator", move.put("name",
        "registry.example.com:5000/stableserve-operator").put("newTag", "0.2.0")))
        .isEqualTo("registry.example.com:5000/stableserve-operator:0.2.0");
  }

  private static void assertRendersAsKubectlKustomize(Path overlay) throws Exception {
    List<ObjectNode> ours = Kustomize.build(overlay);
    List<ObjectNode> theirs = kubectlKustomize(overlay);
    assertThat(theirs).extracting(Kustomize::id).as("objects and order of %s", overlay)
        .containsExactlyElementsOf(ours.stream().map(Kustomize::id).toList());
    for (int i = 0; i < ours.size(); i++) {
      assertThat(ours.get(i).equals(DeployManifestsTest::sameNumber, theirs.get(i)))
          .as("%s renders %s as kubectl kustomize does", overlay, Kustomize.id(ours.get(i)))
          .isTrue();
    }
  }

  @Test
  void everyManifestParsesIntoFabric8Types() throws IOException {
    Map<String, Class<?>> typed = Stream.of(Namespace.class, ServiceAccount.class, ClusterRole.class, Role.class,
            RoleBinding.class, ClusterRoleBinding.class, Deployment.class, Service.class, CustomResourceDefinition.class,
            io.fabric8.kubernetes.api.model.Secret.class, PodDisruptionBudget.class, NetworkPolicy.class,
            io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class)
        .collect(Collectors.toMap(Class::getSimpleName, c -> c));
    List<Path> files = yamlFiles();
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    int documents = 0;
    for (Path file : files) {
      for (ObjectNode doc : Kustomize.readDocuments(file)) {
        documents++;
        String kind = doc.path("kind").asText();
        assertThat(kind).as("kind of a document in %s", file).isNotEmpty();
        if (kind.equals(InferenceService.KIND)) {
          InferenceService ssvc = Serialization.jsonMapper().treeToValue(doc, InferenceService.class);
          assertThat(ssvc.getSpec().getScaleTargetRef() != null || ssvc.getSpec().hasVariants())
              .as("%s names its target or its variants", file).isTrue();
          continue;
        }
        KubernetesResource resource = Serialization.jsonMapper().treeToValue(doc, KubernetesResource.class);
        if (typed.containsKey(kind)) {
          assertThat(resource).as("%s in %s", kind, file).isInstanceOf(typed.get(kind));
        } else {
          assertThat(kind).as("an untyped kind in %s", file).isIn("Kustomization", "Component", "ServiceMonitor", "ScaledObject");
          assertThat(resource).isInstanceOf(GenericKubernetesResource.class);
        }
      }
    }
    assertThat(documents).isGreaterThanOrEqualTo(30);
  }

  @Test
  void installBundleAndSamplesApplyToAnApiServer() {
    List<ObjectNode> objects = new ArrayList<>(Kustomize.readDocuments(INSTALL));
    objects.addAll(Kustomize.readDocuments(DEPLOY.resolve("samples/namespace.yaml")));
    for (Path sample : samples()) {
      if (!sample.getFileName().toString().equals("namespace.yaml")) {
        objects.addAll(Kustomize.readDocuments(sample));
      }
    }
    for (ObjectNode doc : objects) {
      if (doc.path("kind").asText().equals(InferenceService.KIND)) {
        client.resource(Serialization.jsonMapper().convertValue(doc, InferenceService.class)).create();
      } else {
        client.resource((HasMetadata) Serialization.jsonMapper().convertValue(doc, KubernetesResource.class)).create();
      }
    }
    ObjectNode serviceMonitor = Kustomize.readDocuments(DEPLOY.resolve("monitoring/servicemonitor.yaml")).get(0);
    client.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup("monitoring.coreos.com")
            .withVersion("v1").withKind("ServiceMonitor").withPlural("servicemonitors").withNamespaced(true).build())
        .resource(Serialization.jsonMapper().convertValue(serviceMonitor, GenericKubernetesResource.class)).create();

    assertThat(client.apiextensions().v1().customResourceDefinitions().withName(InferenceService.CRD_NAME).get()).isNotNull();
    Deployment operator = client.apps().deployments().inNamespace(OPERATOR_NAMESPACE).withName("stableserve-operator").get();
    assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
    assertThat(client.apps().deployments().inNamespace("llm").withName("llama-3-1-8b").get()).isNotNull();
    List<InferenceService> services = client.resources(InferenceService.class).inNamespace("llm").list().getItems();
    assertThat(services).extracting(s -> s.getMetadata().getName()).containsExactlyInAnyOrder(
        "llama-3-1-8b", "llama-3-1-8b-full", "llama-3-1-8b-recommend", "llama-3-1-8b-secured-prometheus",
        "llama-3-1-8b-mixed", "llama-3-1-8b-scale-to-zero");
    assertThat(services).filteredOn(s -> s.getSpec().getScaleToZero() != null).singleElement()
        .satisfies(s -> assertThat(s.getSpec().getReplicas().getMin()).isZero());
    assertThat(services).filteredOn(s -> s.getSpec().effectiveMode() == Mode.Recommend).extracting(s -> s.getMetadata().getName())
        .containsExactly("llama-3-1-8b-recommend");
    assertThat(services).filteredOn(s -> !s.getSpec().hasVariants())
        .allSatisfy(s -> assertThat(s.getSpec().getScaleTargetRef().getName()).isEqualTo("llama-3-1-8b"));
    assertThat(services).filteredOn(s -> s.getSpec().hasVariants()).singleElement()
        .satisfies(s -> assertThat(s.getSpec().getVariants()).extracting(v -> v.getScaleTargetRef().getName())
            .containsExactly("llama-3-1-8b-h100", "llama-3-1-8b-a100"));
  }

  @Test
  void samplesSatisfyTheCrdSchemaAndRules() {
    CrdValidator validator = CrdValidator.inferenceServices();
    int checked = 0;
    for (Path sample : samples()) {
      for (ObjectNode doc : Kustomize.readDocuments(sample)) {
        if (doc.path("kind").asText().equals(InferenceService.KIND)) {
          assertThat(validator.validate(doc)).as("errors of %s", sample).isEmpty();
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(6);
  }

  @Test
  void rbacGrantsWhatTheOperatorUsesAndNothingMore() {
    List<ObjectNode> install = Kustomize.build(ALL_NAMESPACES);
    assertThat(grants(install)).containsExactlyInAnyOrderElementsOf(expected(OperatorPermissions.ALL));
    assertThat(bindings(install, ClusterRoleBinding.class)).hasSize(1);

    List<ObjectNode> oneNamespace = Kustomize.build(ONE_NAMESPACE);
    assertThat(bindings(oneNamespace, ClusterRoleBinding.class)).as("no cluster-wide grant in one-namespace mode").isEmpty();
    assertThat(grants(oneNamespace)).containsExactlyInAnyOrderElementsOf(expected(OperatorPermissions.ALL));
    assertThat(bindings(oneNamespace, RoleBinding.class))
        .extracting(b -> b.getMetadata().getNamespace()).containsExactlyInAnyOrder(OPERATOR_NAMESPACE, "llm");
    Container container = deployment(oneNamespace).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("WATCH_NAMESPACES"))
        .singleElement().satisfies(e -> assertThat(e.getValue()).isEqualTo("llm"));
  }

  @Test
  void secretsAreGrantedOnlyByNameInTheSample() {
    List<Role> roles = Kustomize.readDocuments(DEPLOY.resolve("samples/inferenceservice-bearer-token.yaml")).stream()
        .filter(d -> d.path("kind").asText().equals("Role"))
        .map(d -> Serialization.jsonMapper().convertValue(d, Role.class))
        .toList();
    assertThat(roles).singleElement().satisfies(role -> assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getResources()).containsExactly(OperatorPermissions.NAMED_SECRETS.resource());
      assertThat(rule.getVerbs()).containsExactlyInAnyOrderElementsOf(OperatorPermissions.NAMED_SECRETS.verbs());
      assertThat(rule.getResourceNames()).containsExactlyInAnyOrder("prometheus-token", "prometheus-ca");
    }));
  }

  @Test
  void operatorRunsRestrictedWithProbesAndResources() {
    List<ObjectNode> install = Kustomize.build(ALL_NAMESPACES);
    Deployment d = deployment(install);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pod.getServiceAccountName()).isEqualTo(SERVICE_ACCOUNT);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactlyInAnyOrder("metrics:8080", "health:8081");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    // Liveness waits for the startup probe, which allows for the SDK's cache sync (up to 2 minutes) and the JVM.
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getStartupProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold()).isGreaterThanOrEqualTo(180);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(c.getArgs()).contains("run", "--metrics-port=8080", "--health-port=8081");
    assertThat(install.stream().filter(o -> o.path("kind").asText().equals("Namespace")))
        .singleElement().satisfies(ns -> assertThat(ns.path("metadata").path("labels").path("pod-security.kubernetes.io/enforce").asText())
            .isEqualTo("restricted"));
    Service metrics = install.stream().filter(o -> o.path("kind").asText().equals("Service"))
        .map(o -> Serialization.jsonMapper().convertValue(o, Service.class)).findFirst().orElseThrow();
    assertThat(metrics.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics"));
  }

  @Test
  void egressPolicyComponentSelectsTheOperatorPodsAndLimitsEgressOnly() {
    Path component = DEPLOY.resolve("components/egress-policy");
    ObjectNode kustomization = Kustomize.readDocuments(component.resolve("kustomization.yaml")).get(0);
    assertThat(kustomization.path("kind").asText()).isEqualTo("Component");
    assertThat(kustomization.path("resources")).extracting(JsonNode::asText).containsExactly("networkpolicy.yaml");
    NetworkPolicy policy = Serialization.jsonMapper().convertValue(
        Kustomize.readDocuments(component.resolve("networkpolicy.yaml")).get(0), NetworkPolicy.class);
    Deployment operator = deployment(Kustomize.build(ALL_NAMESPACES));
    assertThat(policy.getMetadata().getNamespace()).isEqualTo(operator.getMetadata().getNamespace());
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(operator.getSpec().getTemplate().getMetadata().getLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(policy.getSpec().getEgress()).as("DNS, the API server, Prometheus").hasSize(3);
  }

  @Test
  void aDisruptionBudgetLetsDrainsEvictOneOperatorPodAtATime() {
    for (Path overlay : List.of(ALL_NAMESPACES, ONE_NAMESPACE)) {
      List<ObjectNode> objects = Kustomize.build(overlay);
      Deployment d = deployment(objects);
      List<PodDisruptionBudget> budgets = objects.stream().filter(o -> o.path("kind").asText().equals("PodDisruptionBudget"))
          .map(o -> Serialization.jsonMapper().convertValue(o, PodDisruptionBudget.class)).toList();
      assertThat(budgets).as("disruption budgets of %s", overlay).singleElement().satisfies(pdb -> {
        assertThat(pdb.getMetadata().getNamespace()).isEqualTo(OPERATOR_NAMESPACE);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
        assertThat(d.getSpec().getReplicas()).as("replicas above minAvailable, or every eviction is refused")
            .isGreaterThan(pdb.getSpec().getMinAvailable().getIntVal());
      });
    }
  }

  @Test
  void dashboardQueriesOnlyTheOperatorsMetrics() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("monitoring/grafana-dashboard.json").toFile());
    Set<String> used = new TreeSet<>();
    Pattern name = Pattern.compile("stableserve_[a-z_]+");
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher m = name.matcher(expr.asText());
      while (m.find()) {
        used.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
      }
    }
    assertThat(OperatorMetrics.ALL).containsAll(used);
    assertThat(used).contains(OperatorMetrics.ARRIVAL_RATE, OperatorMetrics.STABLE_RATE_PER_REPLICA,
        OperatorMetrics.UTILIZATION, OperatorMetrics.BOTTLENECK, OperatorMetrics.REPLICAS,
        OperatorMetrics.DESIRED_REPLICAS, OperatorMetrics.SCALING_DECISIONS, OperatorMetrics.RECONCILIATIONS);
    assertThat(dashboard.path("panels")).allSatisfy(p -> {
      if (!p.path("type").asText().equals("row")) {
        assertThat(p.path("targets")).as("panel %s", p.path("title")).isNotEmpty();
      }
    });
  }

  // -- helpers

  private static Set<String> expected(List<OperatorPermissions.Permission> permissions) {
    Set<String> out = new TreeSet<>();
    for (var p : permissions) {
      for (String verb : p.verbs()) {
        out.add(tuple(p.scope(), p.apiGroup(), p.resource(), verb));
      }
    }
    return out;
  }

  /** What the operator's service account is granted, as (scope, group, resource, verb). */
  private static Set<String> grants(List<ObjectNode> objects) {
    Map<String, List<PolicyRule>> clusterRoles = objects.stream().filter(o -> o.path("kind").asText().equals("ClusterRole"))
        .map(o -> Serialization.jsonMapper().convertValue(o, ClusterRole.class))
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), ClusterRole::getRules));
    Map<String, List<PolicyRule>> roles = objects.stream().filter(o -> o.path("kind").asText().equals("Role"))
        .map(o -> Serialization.jsonMapper().convertValue(o, Role.class))
        .collect(Collectors.toMap(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), Role::getRules));
    Set<String> out = new TreeSet<>();
    for (ClusterRoleBinding b : bindings(objects, ClusterRoleBinding.class)) {
      addRules(out, Scope.WATCHED_NAMESPACES, clusterRoles.get(b.getRoleRef().getName()));
    }
    for (RoleBinding b : bindings(objects, RoleBinding.class)) {
      String namespace = b.getMetadata().getNamespace();
      List<PolicyRule> rules = b.getRoleRef().getKind().equals("ClusterRole")
          ? clusterRoles.get(b.getRoleRef().getName()) : roles.get(namespace + "/" + b.getRoleRef().getName());
      addRules(out, namespace.equals(OPERATOR_NAMESPACE) ? Scope.OPERATOR_NAMESPACE : Scope.WATCHED_NAMESPACES, rules);
    }
    return out;
  }

  private static void addRules(Set<String> out, Scope scope, List<PolicyRule> rules) {
    assertThat(rules).as("a bound role exists").isNotNull();
    for (PolicyRule rule : rules) {
      assertThat(rule.getResourceNames()).as("operator rules are not limited by name").isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            assertThat(List.of(group, resource, verb)).as("no wildcards").doesNotContain("*");
            out.add(tuple(scope, group, resource, verb));
          }
        }
      }
    }
  }

  private static String tuple(Scope scope, String group, String resource, String verb) {
    return scope + " " + (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }

  /** The bindings whose subjects include the operator's service account. */
  private static <T extends HasMetadata> List<T> bindings(List<ObjectNode> objects, Class<T> type) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(type.getSimpleName()))
        .map(o -> Serialization.jsonMapper().convertValue(o, type))
        .filter(b -> subjects(b).stream().anyMatch(s -> s.getKind().equals("ServiceAccount")
            && s.getName().equals(SERVICE_ACCOUNT) && s.getNamespace().equals(OPERATOR_NAMESPACE)))
        .toList();
  }

  private static List<Subject> subjects(HasMetadata binding) {
    return binding instanceof RoleBinding rb ? rb.getSubjects() : ((ClusterRoleBinding) binding).getSubjects();
  }

  private static Deployment deployment(List<ObjectNode> objects) {
    return objects.stream().filter(o -> o.path("kind").asText().equals("Deployment"))
        .map(o -> Serialization.jsonMapper().convertValue(o, Deployment.class)).findFirst().orElseThrow();
  }

  private static List<Path> samples() {
    try (Stream<Path> files = Files.list(DEPLOY.resolve("samples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private static int sameNumber(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.asDouble(), b.asDouble());
    }
    return a.equals(b) ? 0 : 1;
  }

  private static boolean kubectlKustomizeWorks() {
    try {
      Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static List<ObjectNode> kubectlKustomize(Path dir) throws Exception {
    Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finishes").isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize %s: %s", dir, err).isZero();
    Path tmp = Files.createTempFile("kustomize", ".yaml");
    try {
      Files.write(tmp, out);
      return Kustomize.readDocuments(tmp);
    } finally {
      Files.delete(tmp);
    }
  }
}
