package io.stableserve.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a custom resource the way the API server does with a CRD's structural schema, so that
 * the CRD's rules can be tested without a cluster. In the API server's order: unknown fields are
 * refused (kubectl's default strict field validation), defaults are applied, the OpenAPI v3.0
 * schema is checked (the {@code x-kubernetes-*} extensions are left to the steps here),
 * then every {@code x-kubernetes-validations} CEL rule is evaluated on the value it is attached
 * to, where that value is present. As in the API server, CEL rules are skipped when the schema
 * found a wrong type or a value outside an enumeration, since rules may rely on both. Errors read
 * like the API server's:
 * {@code spec.replicas: replicas.min must be less than or equal to replicas.max}.
 */
public final class CrdValidator {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Schema errors after which the API server does not evaluate CEL rules (wrong type, not in the enumeration). */
  private static final java.util.Set<String> BLOCKING = java.util.Set.of("type", "enum");

  private final JsonNode openApiSchema;
  private final Schema jsonSchema;
  private final CelCompiler cel = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .build();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private final Map<String, CelRuntime.Program> programs = new LinkedHashMap<>();

  public CrdValidator(CustomResourceDefinition crd, String version) {
    CustomResourceDefinitionVersion v = crd.getSpec().getVersions().stream()
        .filter(x -> x.getName().equals(version))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the CRD has no version " + version));
    this.openApiSchema = JSON.valueToTree(v.getSchema().getOpenAPIV3Schema());
    ObjectNode strict = openApiSchema.deepCopy();
    strict.withObject("properties").set("apiVersion", JsonNodeFactory.instance.objectNode().put("type", "string"));
    strict.withObject("properties").set("kind", JsonNodeFactory.instance.objectNode().put("type", "string"));
    strict.withObject("properties").set("metadata", JsonNodeFactory.instance.objectNode().put("type", "object"));
    closeObjects(strict);
    Dialect openApi = Dialect.builder(Dialects.getOpenApi30())
        .keyword(new NonValidationKeyword("x-kubernetes-validations"))
        .keyword(new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"))
        .keyword(new NonValidationKeyword("x-kubernetes-list-type"))
        .keyword(new NonValidationKeyword("x-kubernetes-list-map-keys"))
        .keyword(new NonValidationKeyword("x-kubernetes-int-or-string"))
        .keyword(new NonValidationKeyword("x-kubernetes-embedded-resource"))
        .build();
    this.jsonSchema = SchemaRegistry.withDefaultDialect(openApi).getSchema(strict);
    compileRules(openApiSchema, "");
  }

  /** The validator of the committed InferenceService CRD. */
  public static CrdValidator inferenceServices() {
    return new CrdValidator(CrdFiles.committed(), InferenceService.VERSION);
  }

  /** Every CEL rule of the CRD, compiled; the CRD is refused on creation when one does not compile. */
  public List<String> rules() {
    return List.copyOf(programs.keySet());
  }

  /** The errors of one resource given as YAML; empty when the API server would accept it. */
  public List<String> validate(String yaml) {
    try {
      return validate(YAML.readTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
    }
  }

  /** The errors of one resource; empty when the API server would accept it. */
  public List<String> validate(JsonNode resource) {
    JsonNode object = resource.deepCopy();
    applyDefaults(openApiSchema, object);
    List<String> errors = new ArrayList<>();
    boolean blocking = false;
    for (Error e : jsonSchema.validate(object)) {
      errors.add(path(e.getInstanceLocation().toString()) + ": " + e.getMessage());
      blocking |= BLOCKING.contains(e.getKeyword());
    }
    if (!blocking) {
      evaluateRules(openApiSchema, object, "", errors);
    }
    return errors;
  }

  /** Refuses fields the schema does not name, as strict field validation does, except where it preserves unknown fields. */
  private static void closeObjects(JsonNode schema) {
    if (!(schema instanceof ObjectNode node)) {
      return;
    }
    if (node.has("properties") && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        && !node.has("additionalProperties")) {
      node.put("additionalProperties", false);
    }
    node.path("properties").forEach(CrdValidator::closeObjects);
    closeObjects(node.path("items"));
    closeObjects(node.path("additionalProperties"));
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
      while (properties.hasNext()) {
        Map.Entry<String, JsonNode> p = properties.next();
        if (!object.has(p.getKey()) && p.getValue().has("default")) {
          object.set(p.getKey(), p.getValue().get("default").deepCopy());
        }
        if (object.has(p.getKey())) {
          applyDefaults(p.getValue(), object.get(p.getKey()));
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  private void compileRules(JsonNode schema, String path) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      try {
        CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
        programs.put(expression, runtime.createProgram(ast));
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalStateException((path.isEmpty() ? "<root>" : path) + ": CEL rule does not compile: " + expression + ": " + e.getMessage(), e);
      }
    }
    schema.path("properties").fields().forEachRemaining(p -> compileRules(p.getValue(), join(path, p.getKey())));
    if (schema.has("items")) {
      compileRules(schema.get("items"), path + "[*]");
    }
  }

  private void evaluateRules(JsonNode schema, JsonNode value, String path, List<String> errors) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      Object result;
      try {
        result = programs.get(expression).eval(Map.of("self", toCel(schema, value)));
      } catch (CelEvaluationException e) {
        errors.add(path + ": rule " + expression + " failed to evaluate: " + e.getMessage());
        continue;
      }
      if (!Boolean.TRUE.equals(result)) {
        String message = rule.has("message") ? rule.get("message").asText() : "failed rule: " + expression;
        errors.add(path + ": " + message);
      }
    }
    if (value instanceof ObjectNode object) {
      schema.path("properties").fields().forEachRemaining(p -> {
        if (object.has(p.getKey())) {
          evaluateRules(p.getValue(), object.get(p.getKey()), join(path, p.getKey()), errors);
        }
      });
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (int i = 0; i < array.size(); i++) {
        evaluateRules(schema.get("items"), array.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  /** A JSON value as CEL sees it; as in the API server, integers in a field of type number are doubles. */
  private static Object toCel(JsonNode schema, JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull()) {
          JsonNode property = schema.path("properties").path(e.getKey());
          map.put(e.getKey(), toCel(property.isMissingNode() ? schema.path("additionalProperties") : property, e.getValue()));
        }
      });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(schema.path("items"), item)));
      return list;
    }
    if (node.isNumber()) {
      return "number".equals(schema.path("type").asText()) || !node.isIntegralNumber() ? (Object) node.asDouble() : (Object) node.asLong();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** {@code $.spec.replicas} or {@code /spec/replicas} as {@code spec.replicas}. */
  private static String path(String location) {
    String p = location.startsWith("$") ? location.substring(1) : location.replace('/', '.');
    return p.startsWith(".") ? p.substring(1) : (p.isEmpty() ? "<root>" : p);
  }
}
