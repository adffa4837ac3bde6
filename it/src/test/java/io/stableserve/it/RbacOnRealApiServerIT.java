package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.api.InferenceService;
import io.stableserve.api.OperatorPermissions;
import io.stableserve.api.OperatorPermissions.Permission;
import io.stableserve.api.OperatorPermissions.Scope;
import io.stableserve.e2e.RealApiServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The install bundle (deploy/install.yaml) on a real kube-apiserver v1.20.2 with RBAC, tried as the
 * operator's ServiceAccount, once with a client certificate of its user name and groups and once
 * with a token of the ServiceAccount from the TokenRequest API: every request of
 * {@link OperatorPermissions} is allowed, and requests the operator must not be able to make are
 * refused (403). The results are written as a markdown table to
 * {@code target/rbac-on-kube-apiserver.md} and printed.
 *
 * <p>The bundle is installed as {@link InstalledBundle} says. There is no controller-manager:
 * Deployments get no pods.
 */
class RbacOnRealApiServerIT {

  private static final String SYSTEM = InstalledBundle.SYSTEM;
  private static final String ACCOUNT = InstalledBundle.ACCOUNT;
  private static final String USER = InstalledBundle.USER;
  private static final String WATCHED = InstalledBundle.WATCHED;
  private static final String TARGET = "llama-3-1-8b";
  private static final String SERVICE = "llama-3-1-8b";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The version each group is requested in; RBAC rules name groups and resources, not versions. */
  private static final Map<String, String> VERSIONS = Map.of(
      "", "v1",
      InferenceService.GROUP, InferenceService.VERSION,
      "apps", "v1",
      OperatorPermissions.LWS_GROUP, "v1",
      // the operator lists HPAs as autoscaling/v1 (v2 came in 1.23; both are the same resource)
      "autoscaling", "v1",
      OperatorPermissions.KEDA_GROUP, "v1alpha1",
      "coordination.k8s.io", "v1");

  /** The object each resource's requests name. */
  private static final Map<String, String> NAMES = Map.of(
      InferenceService.PLURAL, SERVICE,
      "deployments", TARGET,
      "statefulsets", "llama-statefulset",
      "leaderworkersets", "llama-lws",
      "secrets", "prometheus-token");

  enum Identity {
    CERTIFICATE("client certificate"), TOKEN("ServiceAccount token");

    final String label;

    Identity(String label) {
      this.label = label;
    }
  }

  /** Each request tried: why and what is expected, and the status code by identity, for the table. */
  private static final Map<String, String[]> ROWS = new LinkedHashMap<>();
  private static final Map<String, Map<Identity, Integer>> RESULTS = new HashMap<>();

  private static KubernetesClient admin;
  private static final Map<Identity, KubernetesClient> OPERATOR = new LinkedHashMap<>();

  @BeforeAll
  static void installTheBundleAndTheSamples() {
    admin = InstalledBundle.admin();
    for (Identity id : Identity.values()) {
      admin.leases().inNamespace(SYSTEM).withName(lease(id)).delete();
    }
    OPERATOR.put(Identity.CERTIFICATE, RealApiServers.kubeOperator());
    OPERATOR.put(Identity.TOKEN, withToken(serviceAccountToken()));
  }

  @AfterAll
  static void writeTheTable() throws IOException {
    StringBuilder table = new StringBuilder()
        .append("RBAC of deploy/install.yaml on kube-apiserver v1.20.2, as ").append(USER).append('\n')
        .append('\n')
        .append("| Request | Why | Expected | ").append(Identity.CERTIFICATE.label).append(" | ")
        .append(Identity.TOKEN.label).append(" |\n")
        .append("|---|---|---|---|---|\n");
    for (String expected : List.of("allowed", "refused")) {
      ROWS.forEach((request, row) -> {
        if (!row[1].equals(expected)) {
          return;
        }
        Map<Identity, Integer> codes = RESULTS.getOrDefault(request, Map.of());
        table.append("| `").append(request).append("` | ").append(row[0]).append(" | ").append(row[1]);
        for (Identity id : Identity.values()) {
          table.append(" | ").append(codes.containsKey(id) ? String.valueOf(codes.get(id)) : "-");
        }
        table.append(" |\n");
      });
    }
    Path file = Path.of("target", "rbac-on-kube-apiserver.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, table);
    System.out.println(table);
    OPERATOR.values().forEach(KubernetesClient::close);
  }

  @Test
  void theInstallBundleIsServed() throws IOException {
    List<String> served = new ArrayList<>();
    for (HasMetadata object : load(RealApiServers.ROOT.resolve("deploy/install.yaml"))) {
      if (!object.getApiVersion().equals("policy/v1")) {
        assertThat(admin.resource(object).get()).as("%s %s", object.getKind(), object.getMetadata().getName()).isNotNull();
        served.add(object.getKind());
      }
    }
    assertThat(served).contains("Namespace", "CustomResourceDefinition", "ServiceAccount", "Role", "ClusterRole",
        "RoleBinding", "ClusterRoleBinding", "Deployment");
  }

  // ---------------------------------------------------------------- what the operator needs

  static Stream<Arguments> needed() {
    List<Arguments> requests = new ArrayList<>();
    List<Permission> permissions = new ArrayList<>(OperatorPermissions.ALL);
    permissions.add(OperatorPermissions.NAMED_SECRETS);
    for (Identity id : Identity.values()) {
      for (Permission p : permissions) {
        // a Lease is created before it is read and written
        List<String> verbs = p.verbs().stream()
            .sorted((a, b) -> a.equals("create") ? -1 : b.equals("create") ? 1 : a.compareTo(b))
            .toList();
        for (String verb : verbs) {
          requests.add(Arguments.of(id, p, verb));
        }
      }
    }
    return requests.stream();
  }

  @ParameterizedTest(name = "{0}: {2} {1}")
  @MethodSource("needed")
  void allowsEveryRequestTheOperatorMakes(Identity id, Permission permission, String verb) {
    Request request = requestFor(id, permission, verb);
    Http.Response response = request.send(OPERATOR.get(id));
    record(request, permission.why(), "allowed", id, response.code());
    assertThat(response.successful()).as("%s as %s: %s", request, id.label, response.body()).isTrue();
  }

  // ---------------------------------------------------------------- what it must not do

  static Stream<Arguments> refused() {
    String deployment = "/apis/apps/v1/namespaces/" + WATCHED + "/deployments/" + TARGET;
    String services = "/apis/stableserve.io/v1alpha1/namespaces/" + WATCHED + "/inferenceservices";
    List<Arguments> requests = new ArrayList<>();
    for (Identity id : Identity.values()) {
      Stream.of(
          refuse("PATCH", deployment, "{\"spec\":{\"replicas\":5}}", "write a Deployment's spec (replicas change only through /scale)"),
          refuse("PUT", deployment, "CURRENT", "replace a Deployment"),
          refuse("DELETE", deployment, null, "delete a Deployment"),
          refuse("PATCH", "/apis/apps/v1/namespaces/" + WATCHED + "/statefulsets/llama-statefulset",
              "{\"spec\":{\"replicas\":5}}", "write a StatefulSet's spec"),
          refuse("GET", "/api/v1/secrets", null, "list Secrets cluster-wide"),
          refuse("GET", "/api/v1/namespaces/" + WATCHED + "/secrets", null, "list Secrets in a watched namespace"),
          refuse("GET", "/api/v1/namespaces/" + WATCHED + "/secrets/hf-token", null, "read a Secret no Role names"),
          refuse("GET", "/api/v1/namespaces/" + SYSTEM + "/secrets", null, "list Secrets in its own namespace"),
          refuse("GET", services + "/" + SERVICE, null, "read one InferenceService by name (it reads them from its informer)"),
          refuse("PATCH", services + "/" + SERVICE, "{\"spec\":{\"replicas\":{\"max\":2}}}", "change an InferenceService's spec"),
          refuse("POST", services, "NEW_SERVICE", "create an InferenceService"),
          refuse("DELETE", services + "/" + SERVICE, null, "delete an InferenceService"),
          refuse("POST", "/api/v1/namespaces/" + WATCHED + "/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", "create a Pod"),
          refuse("GET", "/api/v1/namespaces/" + WATCHED + "/configmaps", null, "list ConfigMaps"),
          refuse("GET", "/api/v1/namespaces", null, "list Namespaces"),
          refuse("POST", "/apis/coordination.k8s.io/v1/namespaces/" + WATCHED + "/leases", "NEW_LEASE",
              "create a Lease outside its own namespace"),
          refuse("GET", "/apis/coordination.k8s.io/v1/leases", null, "list Leases cluster-wide"),
          refuse("PATCH", "/api/v1/namespaces/" + WATCHED + "/events/any", "{\"count\":2}", "change an Event (each Event is new)"),
          refuse("PATCH", "/apis/autoscaling/v1/namespaces/" + WATCHED + "/horizontalpodautoscalers/any",
              "{\"spec\":{\"maxReplicas\":2}}", "change an HPA"),
          refuse("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "{}", "bind itself a ClusterRole"),
          refuse("PATCH", "/apis/rbac.authorization.k8s.io/v1/clusterroles/" + ACCOUNT, "{\"rules\":[]}", "change its own ClusterRole"))
          .forEach(r -> requests.add(Arguments.of(id, r)));
    }
    return requests.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("refused")
  void refusesWhatTheOperatorMustNotDo(Identity id, Request request) {
    Http.Response response = request.send(OPERATOR.get(id));
    record(request, request.why(), "refused", id, response.code());
    assertThat(response.code()).as("%s as %s: %s", request, id.label, response.body()).isEqualTo(403);
    assertThat(response.body()).contains("User \\\"" + USER + "\\\" cannot");
  }

  // ---------------------------------------------------------------- real semantics of what it is allowed

  @Test
  void scalesUpAndDownThroughScaleOnly() {
    KubernetesClient operator = OPERATOR.get(Identity.CERTIFICATE);
    String scale = "/apis/apps/v1/namespaces/" + WATCHED + "/deployments/" + TARGET + "/scale";
    for (int replicas : new int[] {4, 2}) {
      Http.Response patched = Http.call(operator, "PATCH", scale, Http.MERGE_PATCH, "{\"spec\":{\"replicas\":" + replicas + "}}");
      assertThat(patched.code()).as(patched.body()).isEqualTo(200);
      assertThat(admin.apps().deployments().inNamespace(WATCHED).withName(TARGET).get().getSpec().getReplicas())
          .as("the Deployment's spec after /scale to %d", replicas).isEqualTo(replicas);
      JsonNode read = json(Http.get(operator, scale).body());
      assertThat(read.at("/spec/replicas").asInt()).isEqualTo(replicas);
      assertThat(read.at("/status/replicas").asInt()).as("no controller-manager, no pods").isZero();
    }
  }

  @Test
  void aStatusWriteThatRacesASpecChangeConflictsUnlessItIsAPatch() {
    KubernetesClient operator = OPERATOR.get(Identity.CERTIFICATE);
    String services = "/apis/stableserve.io/v1alpha1/namespaces/" + WATCHED + "/inferenceservices";
    // what the operator's informer holds
    JsonNode seen = json(Http.get(operator, services).body()).get("items");
    ObjectNode service = null;
    for (JsonNode item : seen) {
      if (item.at("/metadata/name").asText().equals(SERVICE)) {
        service = (ObjectNode) item;
      }
    }
    assertThat(service).isNotNull();
    service.put("apiVersion", InferenceService.GROUP + "/" + InferenceService.VERSION).put("kind", InferenceService.KIND);

    // a maximum other than the one it has, so that the patch is a change of the spec
    int max = service.at("/spec/replicas/max").asInt() == 7 ? 8 : 7;
    Http.Response edited = Http.call(admin, "PATCH", services + "/" + SERVICE, Http.MERGE_PATCH,
        "{\"spec\":{\"replicas\":{\"max\":" + max + "}}}");
    assertThat(edited.code()).as(edited.body()).isEqualTo(200);

    service.putObject("status").put("replicas", 1).put("observedGeneration", service.at("/metadata/generation").asLong());
    Http.Response stale = Http.call(operator, "PUT", services + "/" + SERVICE + "/status", Http.JSON, service.toString());
    assertThat(stale.code()).as("a PUT of status with the resourceVersion from before the spec change: %s", stale.body()).isEqualTo(409);

    Http.Response patched = Http.call(operator, "PATCH", services + "/" + SERVICE + "/status", Http.MERGE_PATCH,
        "{\"status\":{\"replicas\":1}}");
    assertThat(patched.code()).as(patched.body()).isEqualTo(200);
    JsonNode after = json(patched.body());
    assertThat(after.at("/metadata/generation").asLong()).isGreaterThan(service.at("/metadata/generation").asLong());
    assertThat(after.at("/status/replicas").asInt()).isEqualTo(1);
  }

  @Test
  void theCertificateAndTheTokenAreTheSameUser() {
    for (Identity id : Identity.values()) {
      Http.Response refused = Http.get(OPERATOR.get(id), "/api/v1/secrets");
      assertThat(refused.body()).as(id.label).contains("User \\\"" + USER + "\\\" cannot list resource \\\"secrets\\\"");
    }
  }

  @Test
  void thisServerDropsTheCrdsCelRulesWithoutAWord() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(
        Files.readString(RealApiServers.ROOT.resolve("crds/inferenceservices.stableserve.io-v1.yml")), CustomResourceDefinition.class);
    crd.getMetadata().setName("inferenceservices.cel.stableserve.io");
    crd.getSpec().setGroup("cel.stableserve.io");
    assertThat(Serialization.asJson(crd)).contains("x-kubernetes-validations");
    Http.Response created = Http.call(admin, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Http.JSON, Serialization.asJson(crd));
    try {
      assertThat(created.code()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).as("the CEL rules, unknown to v1.20, are pruned from the stored CRD")
          .doesNotContain("x-kubernetes-validations");
    } finally {
      admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).delete();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** One request: method, path from the server's root, body (a merge patch for PATCH). */
  record Request(String method, String path, String body, String why) {
    Http.Response send(KubernetesClient client) {
      String content = switch (String.valueOf(body)) {
        case "CURRENT" -> current(path);
        case "NEW_SERVICE" -> """
            {"apiVersion":"stableserve.io/v1alpha1","kind":"InferenceService","metadata":{"name":"another"},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"x"},"replicas":{"max":2},
                     "metrics":{"prometheusUrl":"http://p:9090","selector":"a=\\"b\\""}}}""";
        case "NEW_LEASE" -> "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"another\"}}";
        default -> body;
      };
      return Http.call(client, method, path, method.equals("PATCH") ? Http.MERGE_PATCH : Http.JSON, content);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static Request refuse(String method, String path, String body, String why) {
    return new Request(method, path, body, why);
  }

  private static Request requestFor(Identity id, Permission p, String verb) {
    String group = p.apiGroup();
    String version = VERSIONS.get(group);
    assertThat(version).as("the version to request group '%s' in; add it to VERSIONS", group).isNotNull();
    String[] parts = p.resource().split("/", 2);
    String resource = parts[0];
    String sub = parts.length > 1 ? "/" + parts[1] : "";
    String namespace = p.scope() == Scope.OPERATOR_NAMESPACE ? SYSTEM : WATCHED;
    String root = group.isEmpty() ? "/api/v1" : "/apis/" + group + "/" + version;
    String collection = root + "/namespaces/" + namespace + "/" + resource;
    String name = resource.equals("leases") ? lease(id) : NAMES.get(resource);
    String object = collection + "/" + name + sub;
    return switch (verb) {
      // the operator watches all namespaces (the ClusterRole); an HPA or ScaledObject is looked for in one
      case "list" -> new Request("GET", resource.equals(InferenceService.PLURAL) ? root + "/" + resource : collection, null, p.why());
      case "watch" -> new Request("GET", root + "/" + resource + "?watch=1&timeoutSeconds=1", null, p.why());
      case "get" -> new Request("GET", object, null, p.why());
      case "create" -> new Request("POST", collection, create(resource, name, namespace), p.why());
      case "patch" -> new Request("PATCH", object, patch(resource, sub), p.why());
      case "update" -> new Request("PUT", object, "CURRENT", p.why());
      default -> throw new IllegalArgumentException("no request for verb " + verb + " of " + p);
    };
  }

  private static String create(String resource, String name, String namespace) {
    return switch (resource) {
      case "events" -> """
          {"apiVersion":"v1","kind":"Event","metadata":{"generateName":"llama-3-1-8b."},
           "involvedObject":{"apiVersion":"stableserve.io/v1alpha1","kind":"InferenceService","name":"llama-3-1-8b","namespace":"%s"},
           "reason":"Scaled","message":"2 -> 3 replicas","type":"Normal","source":{"component":"stableserve-operator"}}"""
          .formatted(namespace);
      case "leases" -> "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"" + name
          + "\"},\"spec\":{\"holderIdentity\":\"operator-0\",\"leaseDurationSeconds\":10}}";
      default -> throw new IllegalArgumentException("no object to create for " + resource);
    };
  }

  private static String patch(String resource, String sub) {
    if (sub.equals("/scale")) {
      return "{\"spec\":{\"replicas\":2}}";
    }
    if (sub.equals("/status")) {
      return "{\"status\":{\"replicas\":1}}";
    }
    if (resource.equals("leases")) {
      return "{\"spec\":{\"holderIdentity\":\"operator-1\"}}";
    }
    throw new IllegalArgumentException("no patch for " + resource + sub);
  }

  /** The object at the path as the administrator reads it, to send back whole (a PUT). */
  private static String current(String path) {
    Http.Response read = Http.get(admin, path);
    assertThat(read.code()).as("GET %s: %s", path, read.body()).isEqualTo(200);
    ObjectNode object = (ObjectNode) json(read.body());
    if (path.endsWith("/status")) {
      object.withObject("status").put("replicas", 2);
    } else if (object.at("/kind").asText().equals("Lease")) {
      object.withObject("spec").put("holderIdentity", "operator-2");
    }
    return object.toString();
  }

  private static void record(Request request, String why, String expected, Identity id, int code) {
    String row = request.toString().replace(lease(id), lease(null));
    ROWS.putIfAbsent(row, new String[] {why, expected});
    RESULTS.computeIfAbsent(row, k -> new EnumMap<>(Identity.class)).put(id, code);
  }

  /** Each identity creates its own Lease; the table names them as one. */
  private static String lease(Identity id) {
    return "stableserve-it-" + (id == null ? "IDENTITY" : id.name().toLowerCase(Locale.ROOT));
  }

  private static String serviceAccountToken() {
    Http.Response response = Http.call(admin, "POST",
        "/api/v1/namespaces/" + SYSTEM + "/serviceaccounts/" + ACCOUNT + "/token", Http.JSON,
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":3600}}");
    assertThat(response.code()).as("TokenRequest: %s", response.body()).isEqualTo(201);
    return json(response.body()).at("/status/token").asText();
  }

  private static KubernetesClient withToken(String token) {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(admin.getConfiguration().getMasterUrl())
        .withCaCertData(admin.getConfiguration().getCaCertData())
        .withOauthToken(token)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static List<HasMetadata> load(Path file) {
    return InstalledBundle.load(file);
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }
}
