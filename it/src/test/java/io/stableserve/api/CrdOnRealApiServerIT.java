package io.stableserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.e2e.RealApiServers;
import io.stableserve.it.ApiError;
import io.stableserve.it.Kubectl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed InferenceService CRD on a real apiextensions-apiserver (v1.36, with Kubernetes' own
 * CEL), compared case by case with the project's {@link CrdValidator} and its table in
 * {@link CrdValidationTest}. Both are asked about every case; where they disagree the difference is
 * listed here ({@link #KNOWN_DIFFERENCES}, {@link #beyondTheTable}) and asserted as it is, so that
 * a change on either side shows.
 *
 * <p>The table's messages are in the validator's words. A CEL rule's message is the CRD's own and
 * comes back from the server as it is; for the OpenAPI keywords (required, minimum, maximum, enum,
 * pattern, unknown fields) the server has its own words, into which {@link Expected} translates
 * the table's. Resources are created as kubectl creates them: with strict field validation.
 */
class CrdOnRealApiServerIT {

  private static final String NAMESPACE = "llm";
  private static final Path CRD_FILE = RealApiServers.ROOT.resolve("crds").resolve(CrdFiles.FILE);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  /**
   * Cases of the table where the errors name other fields on the server than in the project's
   * validator, beyond the wording: case name → what differs. The verdict (refused) is the same.
   */
  private static final String RULES_AFTER_A_MISSING_FIELD = "after a missing required field the server evaluates no CEL rule"
      + " (it adds the note '" + ApiError.RULES_NOT_CHECKED + "'); the validator still evaluates the rule and reports";
  private static final Map<String, Difference> KNOWN_DIFFERENCES = Map.of(
      "no max", new Difference(Set.of("spec.replicas"), Set.of(),
          RULES_AFTER_A_MISSING_FIELD + " that self.min <= self.max failed to evaluate"),
      "variant without target", new Difference(Set.of("spec.variants"), Set.of(),
          RULES_AFTER_A_MISSING_FIELD + " that the rule on two variants sharing a target failed to evaluate"));

  /** Fields named only by the validator ({@code ours}) or only by the server ({@code server}). */
  record Difference(Set<String> ours, Set<String> server, String why) {}

  private static KubernetesClient client;
  private static CrdValidator validator;
  private static CustomResourceDefinition committed;

  @BeforeAll
  static void applyTheCrd() throws IOException {
    client = RealApiServers.crdAdmin();
    committed = Serialization.unmarshal(Files.readString(CRD_FILE), CustomResourceDefinition.class);
    client.resource(committed).fieldManager("stableserve-it").forceConflicts().serverSideApply();
    client.apiextensions().v1().customResourceDefinitions().withName(InferenceService.CRD_NAME)
        .waitUntilCondition(crd -> condition(crd, "Established"), 30, TimeUnit.SECONDS);
    validator = CrdValidator.inferenceServices();
  }

  @AfterAll
  static void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void theGeneratedCrdIsAcceptedAsStructuralWithEveryCelRule() {
    CustomResourceDefinition served = client.apiextensions().v1().customResourceDefinitions()
        .withName(InferenceService.CRD_NAME).get();
    assertThat(condition(served, "NamesAccepted")).isTrue();
    assertThat(served.getStatus().getConditions())
        .as("a non-structural schema is flagged by a NonStructuralSchema condition")
        .noneMatch(c -> c.getType().equals("NonStructuralSchema"));
    assertThat(served.getStatus().getAcceptedNames().getShortNames()).containsExactly("ssvc");
    List<String> servedRules = rules(JSON.valueToTree(served.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()));
    assertThat(servedRules)
        .as("CEL rules kept by the server (it refuses a CRD with a rule that does not compile or costs too much)")
        .isEqualTo(rules(JSON.valueToTree(committed.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema())));
    assertThat(new LinkedHashSet<>(servedRules)).as("the rules the validator compiled")
        .containsExactlyInAnyOrderElementsOf(validator.rules());
  }

  static Stream<Arguments> invalid() {
    return CrdValidationTest.invalid();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesEveryInvalidSpecOfTheTableWithItsMessage(String name, String spec, String expected) {
    String yaml = CrdValidationTest.service(spec);
    List<ApiError> server = refusal(yaml);

    assertThat(server).as("the server refuses %s", name).isNotEmpty();
    Expected translated = Expected.of(expected);
    assertThat(server)
        .as("%s: the table's '%s' in the server's wording", name, expected)
        .anySatisfy(e -> {
          assertThat(e.field()).isEqualTo(translated.field());
          assertThat(e.message()).contains(translated.message());
        });

    Set<String> ours = fields(validator.validate(yaml));
    Set<String> theirs = new TreeSet<>();
    server.stream().map(ApiError::field).filter(f -> !f.isEmpty()).forEach(theirs::add);
    Difference known = KNOWN_DIFFERENCES.get(name);
    if (known == null) {
      assertThat(theirs).as("%s: fields with errors, server vs validator %s", name, ours).isEqualTo(ours);
    } else {
      assertThat(minus(ours, theirs)).as("%s: only the validator (%s)", name, known.why()).isEqualTo(known.ours());
      assertThat(minus(theirs, ours)).as("%s: only the server (%s)", name, known.why()).isEqualTo(known.server());
    }
  }

  @Test
  void everyKnownDifferenceIsACaseOfTheTable() {
    Set<String> names = new LinkedHashSet<>();
    CrdValidationTest.invalid().forEach(a -> names.add((String) a.get()[0]));
    assertThat(names).containsAll(KNOWN_DIFFERENCES.keySet());
  }

  static Stream<Arguments> valid() {
    return CrdValidationTest.valid();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void acceptsEveryValidSpecOfTheTable(String name, String spec) {
    assertThat(refusal(CrdValidationTest.service(spec))).as("server errors of %s", name).isEmpty();
  }

  @Test
  void appliesTheDefaultsTheValidatorApplies() {
    GenericKubernetesResource created = create(CrdValidationTest.service("""
        scaleTargetRef: {kind: Deployment, name: llama}
        replicas: {max: 8}
        metrics: {prometheusUrl: 'http://prometheus.monitoring:9090', selector: 'namespace="llm"'}
        behavior: {scaleUp: {}, scaleDown: {}}
        """), true);
    JsonNode spec = JSON.valueToTree(created.getAdditionalProperties().get("spec"));
    assertThat(spec.at("/replicas/min").asInt()).isEqualTo(1);
    assertThat(spec.at("/targetUtilization").asDouble()).isEqualTo(0.85);
    assertThat(spec.at("/mode").asText()).isEqualTo("Enforce");
    assertThat(spec.at("/model").asText()).isEqualTo("Scheduler");
    assertThat(spec.at("/scaleTargetRef/apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(spec.at("/metrics/window").asText()).isEqualTo("5m");
    assertThat(spec.at("/metrics/timeout").asText()).isEqualTo("10s");
    assertThat(spec.at("/behavior/pollInterval").asText()).isEqualTo("15s");
    assertThat(spec.at("/behavior/replicaStartupTime").asText()).isEqualTo("5m");
    assertThat(spec.at("/behavior/scaleUp/stabilizationWindow").asText()).isEqualTo("0s");
    assertThat(spec.at("/behavior/scaleUp/settleTime").asText()).isEqualTo("30s");
    assertThat(spec.at("/behavior/scaleDown/stabilizationWindow").asText()).isEqualTo("5m");
  }

  /**
   * Resources beyond the table on which the validator and the server disagree: the name, the
   * resource, whether the validator refuses it and what it says, and
   * whether the server refuses it and what it says.
   */
  static Stream<Arguments> beyondTheTable() {
    String base = """
        scaleTargetRef: {kind: Deployment, name: llama}
        replicas: {min: 1, max: 8}
        metrics: {prometheusUrl: 'http://prometheus.monitoring:9090', selector: 'namespace="llm"'}
        """;
    return Stream.of(
        // The server prunes a null in a field that is not nullable, then defaults it.
        Arguments.of("null where a default applies", CrdValidationTest.service(base + "mode: null\n"),
            "spec.mode: null found, string expected", null),
        Arguments.of("null without a default", CrdValidationTest.service(base + "engine: {kvCacheTokens: null}\n"),
            "spec.engine.kvCacheTokens: null found, integer expected", null),
        // Beyond int64: the validator takes any integer, the server only int64.
        Arguments.of("KV tokens beyond int64", CrdValidationTest.service(base + "engine: {kvCacheTokens: 100000000000000000000}\n"),
            null, "spec.engine.kvCacheTokens in body must be of type integer"),
        // 8.0 in JSON (as Fabric8 sends YAML's 8.0) passes the server's schema as an integer but
        // fails the CEL rule's conversion; both refuse, for different reasons.
        Arguments.of("integer written as 8.0", CrdValidationTest.service(base.replace("max: 8", "max: 8.0")),
            "spec.replicas.max: number found, integer expected", "invalid data, expected int, got float64"),
        // The validator checks spec and status only; the server also checks the object's name.
        Arguments.of("name with capitals", CrdValidationTest.service(base).replace("name: llama,", "name: Llama,"),
            null, "metadata.name: Invalid value: \"Llama\": a lowercase RFC 1123 subdomain"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("beyondTheTable")
  void documentsWhereTheValidatorAndTheServerDisagree(String name, String yaml, String ours, String server) {
    List<String> validatorErrors = validator.validate(yaml);
    List<ApiError> serverErrors = refusal(yaml);
    if (ours == null) {
      assertThat(validatorErrors).as("validator errors of %s", name).isEmpty();
    } else {
      assertThat(validatorErrors).as("validator errors of %s", name).anySatisfy(e -> assertThat(e).contains(ours));
    }
    if (server == null) {
      assertThat(serverErrors).as("server errors of %s", name).isEmpty();
    } else {
      assertThat(serverErrors).as("server errors of %s", name).anySatisfy(e -> assertThat(e.toString()).contains(server));
    }
  }

  @Test
  void withoutStrictFieldValidationAnUnknownFieldIsDroppedNotRefused() {
    String yaml = CrdValidationTest.service("""
        scaleTargetRef: {kind: Deployment, name: llama}
        replicas: {max: 8}
        metrics: {prometheusUrl: 'http://prometheus.monitoring:9090', selector: 'namespace="llm"'}
        targetUtilisation: 0.5
        """);
    assertThat(validator.validate(yaml)).anySatisfy(e -> assertThat(e).contains("'targetUtilisation' is not defined"));
    assertThat(refusal(yaml)).anySatisfy(e -> assertThat(e.message()).contains("unknown field \"spec.targetUtilisation\""));

    GenericKubernetesResource created = client.resource(resource(yaml)).dryRun().fieldValidation(Validation.WARN).create();
    JsonNode spec = JSON.valueToTree(created.getAdditionalProperties().get("spec"));
    assertThat(spec.has("targetUtilisation")).as("the misspelt field is pruned").isFalse();
    assertThat(spec.at("/targetUtilization").asDouble()).as("and the real field defaulted").isEqualTo(0.85);
  }

  static Stream<Arguments> samples() throws IOException {
    List<Arguments> samples = new ArrayList<>();
    try (Stream<Path> files = Files.list(RealApiServers.ROOT.resolve("deploy/samples"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata object : client.load(in).items()) {
            if (object.getKind().equals(InferenceService.KIND)) {
              samples.add(Arguments.of(file.getFileName() + " " + object.getMetadata().getName(), Serialization.asYaml(object)));
            }
          }
        }
      }
    }
    return samples.stream();
  }

  @Test
  void everyInferenceServiceSampleIsFound() throws IOException {
    assertThat(samples().count()).as("InferenceServices in deploy/samples").isGreaterThanOrEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void acceptsEverySample(String name, String yaml) {
    assertThat(validator.validate(yaml)).as("validator errors of %s", name).isEmpty();
    GenericKubernetesResource created = create(yaml, false);
    try {
      assertThat(created.getMetadata().getUid()).isNotBlank();
    } finally {
      client.resource(created).delete();
    }
  }

  @Test
  void statusIsWrittenThroughItsSubresourceAndValidated() {
    String name = "status-" + System.nanoTime();
    GenericKubernetesResource created = create(minimal(name) + "status: {replicas: 3}\n", false);
    Resource<GenericKubernetesResource> resource = client.resource(created);
    try {
      assertThat(created.getAdditionalProperties()).as("status is ignored on create").doesNotContainKey("status");

      String badStatus = "{\"status\":{\"capacity\":{\"stableRatePerReplica\":2.5,\"kvCacheTokensSource\":\"Guessed\"}}}";
      assertThat(validator.validate(minimal(name) + "status: {capacity: {stableRatePerReplica: 2.5, kvCacheTokensSource: Guessed}}\n"))
          .anySatisfy(e -> assertThat(e).contains("status.capacity.kvCacheTokensSource: does not have a value in the enumeration"));
      KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
          () -> resource.subresource("status").patch(MERGE, badStatus));
      assertThat(refused).isNotNull();
      assertThat(ApiError.of(refused)).anySatisfy(e -> {
        assertThat(e.field()).isEqualTo("status.capacity.kvCacheTokensSource");
        assertThat(e.message()).contains("Unsupported value: \"Guessed\"");
      });

      GenericKubernetesResource patched = resource.subresource("status").patch(MERGE, "{\"status\":{\"replicas\":3}}");
      assertThat(JSON.valueToTree(patched.getAdditionalProperties().get("status")).at("/replicas").asInt()).isEqualTo(3);
      assertThat(patched.getMetadata().getGeneration()).as("a status write is no new generation").isEqualTo(1L);
      assertThatThrownBy(() -> resource.patch(MERGE, "{\"spec\":{\"replicas\":{\"min\":9}}}"))
          .as("the spec is still validated on a patch")
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    } finally {
      resource.delete();
    }
  }

  @Test
  void servesThePrinterColumnsInTheirDeclaredOrder() throws Exception {
    String name = "columns-" + System.nanoTime();
    GenericKubernetesResource created = create(minimal(name), false);
    try {
      client.resource(created).subresource("status").patch(MERGE, """
          {"status": {"replicas": 3, "desiredReplicas": 4, "utilization": 0.71,
            "workload": {"arrivalRate": 5.5}, "capacity": {"stableRatePerReplica": 2.25, "bottleneck": "Memory"},
            "conditions": [{"type": "Stable", "status": "True", "reason": "WithinStableRegion",
              "message": "m", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}""");
      JsonNode table = JSON.readTree(get("/apis/stableserve.io/v1alpha1/namespaces/" + NAMESPACE + "/inferenceservices/" + name,
          "application/json;as=Table;v=v1;g=meta.k8s.io"));

      List<String> declared = new ArrayList<>(List.of("Name"));
      committed.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
          .map(CustomResourceColumnDefinition::getName).forEach(declared::add);
      List<String> served = new ArrayList<>();
      table.get("columnDefinitions").forEach(c -> served.add(c.get("name").asText()));
      assertThat(served).isEqualTo(declared);

      Map<String, Object> row = new HashMap<>();
      JsonNode cells = table.at("/rows/0/cells");
      for (int i = 0; i < served.size(); i++) {
        row.put(served.get(i), JSON.treeToValue(cells.get(i), Object.class));
      }
      assertThat(row).containsEntry("Name", name).containsEntry("Target", "llama").containsEntry("Mode", "Enforce")
          .containsEntry("Replicas", 3).containsEntry("Desired", 4).containsEntry("Arrivals/s", 5.5)
          .containsEntry("Stable/s/Replica", 2.25).containsEntry("Utilization", 0.71)
          .containsEntry("Bottleneck", "Memory").containsEntry("Stable", "True");

      // kubectl get: the columns of priority 0; -o wide adds Mode (priority 1) in its place.
      Kubectl.requireNewerThanV120("kubectl get on apiextensions-apiserver");
      List<String> byDefault = new ArrayList<>(List.of("Name"));
      committed.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
          .filter(c -> c.getPriority() == null || c.getPriority() == 0)
          .map(CustomResourceColumnDefinition::getName).forEach(byDefault::add);
      Map<String, String> printed = kubectlRow(name);
      assertThat(printed.keySet()).containsExactlyElementsOf(byDefault.stream().map(c -> c.toUpperCase(Locale.ROOT)).toList());
      Map<String, String> wide = kubectlRow(name, "-o", "wide");
      assertThat(wide.keySet()).containsExactlyElementsOf(declared.stream().map(c -> c.toUpperCase(Locale.ROOT)).toList());
      assertThat(wide).containsEntry("NAME", name).containsEntry("TARGET", "llama").containsEntry("MODE", "Enforce")
          .containsEntry("REPLICAS", "3").containsEntry("DESIRED", "4").containsEntry("ARRIVALS/S", "5.5")
          .containsEntry("STABLE/S/REPLICA", "2.25").containsEntry("UTILIZATION", "0.71")
          .containsEntry("BOTTLENECK", "Memory").containsEntry("STABLE", "True");
      assertThat(wide.get("AGE")).matches("\\d+[smh]");
    } finally {
      client.resource(created).delete();
    }
  }

  @Test
  void publishesTheSchemaForExplain() throws Exception {
    String description = committed.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec").getProperties().get("replicas").getDescription();
    JsonNode replicas = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (replicas == null && System.nanoTime() < deadline) {
      JsonNode v3 = JSON.readTree(get("/openapi/v3/apis/stableserve.io/v1alpha1", "application/json"));
      JsonNode schema = v3.at("/components/schemas/io.stableserve.v1alpha1.InferenceService");
      replicas = schema.isMissingNode() ? null : schema.at("/properties/spec/properties/replicas");
      if (replicas == null) {
        Thread.sleep(500);
      }
    }
    assertThat(replicas).as("the InferenceService schema in /openapi/v3").isNotNull();
    assertThat(replicas.at("/description").asText()).isEqualTo(description);
  }

  @Test
  void kubectlExplainPrintsTheCrdsDescriptions() throws Exception {
    JSONSchemaProps replicas = committed.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec").getProperties().get("replicas");
    Kubectl.requireNewerThanV120("kubectl explain on apiextensions-apiserver");
    Kubectl.Result explain = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // the server publishes a new CRD's schema a moment after it is Established
    while (System.nanoTime() < deadline && (explain == null || explain.exitCode() != 0)) {
      explain = Kubectl.run("crd.kubeconfig", "explain", "inferenceservices.spec.replicas");
      if (explain.exitCode() != 0) {
        Thread.sleep(500);
      }
    }
    String text = words(explain.ok());
    // kubectl 1.20 writes VERSION: stableserve.io/v1alpha1 and RESOURCE:, later ones GROUP, VERSION and FIELD:
    assertThat(text).contains("KIND: InferenceService", "v1alpha1", "replicas <Object>")
        .contains(words(replicas.getDescription()))
        .contains("max <integer> -required- " + words(replicas.getProperties().get("max").getDescription()))
        .contains("min <integer> " + words(replicas.getProperties().get("min").getDescription()));
  }

  // ---------------------------------------------------------------- helpers

  /** Runs of whitespace as one space: kubectl explain wraps and indents descriptions. */
  private static String words(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  /**
   * {@code kubectl get inferenceservices NAME} in the test's namespace: its header's columns and the
   * row's cells, cut where each header column starts, as kubectl aligns them.
   */
  private static Map<String, String> kubectlRow(String name, String... options) {
    List<String> args = new ArrayList<>(List.of("get", "inferenceservices.stableserve.io", name, "-n", NAMESPACE));
    args.addAll(List.of(options));
    List<String> lines = Kubectl.run("crd.kubeconfig", args.toArray(String[]::new)).ok().lines().toList();
    assertThat(lines).as("kubectl get: a header and one row").hasSize(2);
    Matcher column = Pattern.compile("\\S+").matcher(lines.get(0));
    List<int[]> spans = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (column.find()) {
      names.add(column.group());
      spans.add(new int[] {column.start(), column.end()});
    }
    Map<String, String> row = new LinkedHashMap<>();
    String cells = lines.get(1);
    for (int i = 0; i < names.size(); i++) {
      int from = Math.min(spans.get(i)[0], cells.length());
      int to = i + 1 < names.size() ? Math.min(spans.get(i + 1)[0], cells.length()) : cells.length();
      row.put(names.get(i), cells.substring(from, to).strip());
    }
    return row;
  }

  /** The table's wording of one error, in the server's: the field it names and a part of its message. */
  record Expected(String field, String message) {
    private static final Pattern REQUIRED = Pattern.compile("(.+): required property '(.+)' not found");
    private static final Pattern UNKNOWN = Pattern.compile("(.+): property '(.+)' is not defined in the schema.*");
    private static final Pattern MINIMUM = Pattern.compile("(.+): must have a minimum value of (.+)");
    private static final Pattern MAXIMUM = Pattern.compile("(.+): must have a maximum value of (.+)");
    private static final Pattern ENUM = Pattern.compile("(.+): does not have a value in the enumeration \\[(.+)]");
    private static final Pattern REGEX = Pattern.compile("(.+): does not match the regex pattern (.+)");
    private static final Pattern MIN_ITEMS = Pattern.compile("(.+): must have at least (\\d+) items");
    private static final Pattern RULE = Pattern.compile("(.+?): (.+)");
    /** The validator names a list's item by its index after a dot (schema) or in brackets (CEL); the server, in brackets. */
    private static final Pattern INDEX = Pattern.compile("(?<=[a-zA-Z])\\.(\\d+)(?=\\.|:|$)");

    static Expected of(String error) {
      String table = INDEX.matcher(error).replaceAll("[$1]");
      Matcher m;
      if ((m = REQUIRED.matcher(table)).matches()) {
        return new Expected(m.group(1) + "." + m.group(2), "Required value");
      }
      if ((m = UNKNOWN.matcher(table)).matches()) {
        return new Expected("", "strict decoding error: unknown field \"" + m.group(1) + "." + m.group(2) + "\"");
      }
      if ((m = MINIMUM.matcher(table)).matches()) {
        return new Expected(m.group(1), m.group(1) + " in body should be greater than or equal to " + m.group(2));
      }
      if ((m = MAXIMUM.matcher(table)).matches()) {
        return new Expected(m.group(1), m.group(1) + " in body should be less than or equal to " + m.group(2));
      }
      if ((m = ENUM.matcher(table)).matches()) {
        return new Expected(m.group(1), "supported values: " + m.group(2));
      }
      if ((m = REGEX.matcher(table)).matches()) {
        return new Expected(m.group(1), m.group(1) + " in body should match '" + m.group(2) + "'");
      }
      if ((m = MIN_ITEMS.matcher(table)).matches()) {
        return new Expected(m.group(1), m.group(1) + " in body should have at least " + m.group(2) + " items");
      }
      if ((m = RULE.matcher(table)).matches()) {
        return new Expected(m.group(1), m.group(2)); // a CEL rule's own message, after "Invalid value: <value>: "
      }
      // a rule of the spec itself: the validator gives its message alone, the server names the field spec
      return new Expected("spec", table);
    }
  }

  /** The fields that the validator's errors name, as the server names them. */
  private static Set<String> fields(List<String> validatorErrors) {
    Set<String> fields = new TreeSet<>();
    for (String error : validatorErrors) {
      Expected e = Expected.of(error.replaceAll("(minimum|maximum) value of (\\d+)\\.0$", "$1 value of $2"));
      if (!e.field().isEmpty()) {
        fields.add(e.field());
      }
    }
    return fields;
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d;
  }

  private static String minimal(String name) {
    return CrdValidationTest.service("""
        scaleTargetRef: {kind: Deployment, name: llama}
        replicas: {max: 8}
        metrics: {prometheusUrl: 'http://prometheus.monitoring:9090', selector: 'namespace="llm"'}
        """).replace("name: llama, namespace", "name: " + name + ", namespace");
  }

  private static GenericKubernetesResource resource(String yaml) {
    GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    r.getMetadata().setNamespace(NAMESPACE);
    return r;
  }

  /** Creates as kubectl does (strict field validation); a dry run persists nothing. */
  private static GenericKubernetesResource create(String yaml, boolean dryRun) {
    Resource<GenericKubernetesResource> r = client.resource(resource(yaml));
    return dryRun ? r.dryRun().fieldValidation(Validation.STRICT).create() : r.fieldValidation(Validation.STRICT).create();
  }

  /** The server's errors for a create (dry run) of the resource; empty when it accepts it. */
  private static List<ApiError> refusal(String yaml) {
    try {
      create(yaml, true);
      return List.of();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as("refused as invalid: %s", e.getMessage()).isIn(400, 422);
      return ApiError.of(e);
    }
  }

  private static String get(String path, String accept) throws Exception {
    var http = client.getHttpClient();
    HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder()
        .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path)
        .header("Accept", accept)
        .build(), String.class).get(30, TimeUnit.SECONDS);
    assertThat(response.code()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  private static boolean condition(CustomResourceDefinition crd, String type) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
        .anyMatch((CustomResourceDefinitionCondition c) -> c.getType().equals(type) && c.getStatus().equals("True"));
  }

  private static List<String> rules(JsonNode schema) {
    List<String> rules = new ArrayList<>();
    schema.path("x-kubernetes-validations").forEach(r -> rules.add(r.path("rule").asText()));
    schema.path("properties").forEach(p -> rules.addAll(rules(p)));
    if (schema.has("items")) {
      rules.addAll(rules(schema.get("items")));
    }
    return rules;
  }
}
