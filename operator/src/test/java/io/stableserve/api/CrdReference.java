package io.stableserve.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The CRD reference in Markdown, written from the committed CRD so it cannot drift from it. */
final class CrdReference {

  static final String REFRESH = "./mvnw -B -q -pl operator test -Dtest=CrdReferenceTest -Ddocs.update";

  private CrdReference() {}

  static String markdown(CustomResourceDefinition crd) {
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    JsonNode root = new ObjectMapper().valueToTree(version.getSchema().getOpenAPIV3Schema());
    StringBuilder out = new StringBuilder();
    out.append("# InferenceService reference\n\n")
        .append("<!-- Generated from crds/").append(CrdFiles.FILE).append(" by CrdReferenceTest; do not edit. Refresh: ")
        .append(REFRESH).append(" -->\n\n")
        .append("`").append(crd.getSpec().getGroup()).append("/").append(version.getName()).append("`, kind `")
        .append(crd.getSpec().getNames().getKind()).append("`, namespaced, short name `")
        .append(String.join("`, `", crd.getSpec().getNames().getShortNames())).append("`. ")
        .append("The same text is what `kubectl explain inferenceservices.spec` shows.\n\n")
        .append("`kubectl get ssvc` columns: ");
    List<String> columns = new ArrayList<>();
    version.getAdditionalPrinterColumns().forEach(c -> columns.add(c.getName() + (c.getPriority() != null && c.getPriority() > 0 ? " (-o wide)" : "")
        + " `" + c.getJsonPath() + "`"));
    out.append(String.join(", ", columns)).append(".\n\n");
    for (String part : List.of("spec", "status")) {
      JsonNode schema = root.path("properties").path(part);
      out.append("## ").append(part).append("\n\n").append(schema.path("description").asText()).append("\n\n")
          .append("| Field | Type | Default | Validation | Description |\n")
          .append("| --- | --- | --- | --- | --- |\n");
      fields(schema, part, out);
      out.append('\n');
    }
    return out.toString();
  }

  private static void fields(JsonNode schema, String path, StringBuilder out) {
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    schema.path("properties").fields().forEachRemaining(e -> {
      String child = path + "." + e.getKey();
      JsonNode s = e.getValue();
      out.append("| `").append(child).append("` | ").append(type(s)).append(" | ")
          .append(s.has("default") ? "`" + s.get("default") + "`" : "").append(" | ")
          .append(cell(validation(s, required.contains(e.getKey())))).append(" | ")
          .append(cell(s.path("description").asText())).append(" |\n");
      if (s.path("type").asText().equals("object")) {
        fields(s, child, out);
      } else if (s.path("type").asText().equals("array") && s.path("items").path("type").asText().equals("object")) {
        fields(s.path("items"), child + "[]", out);
      }
    });
  }

  private static String type(JsonNode s) {
    String type = s.path("type").asText();
    if (type.equals("array")) {
      return "array of " + s.path("items").path("type").asText();
    }
    return type;
  }

  private static String validation(JsonNode s, boolean required) {
    List<String> rules = new ArrayList<>();
    if (required) {
      rules.add("required");
    }
    if (s.has("enum")) {
      List<String> values = new ArrayList<>();
      s.get("enum").forEach(v -> values.add(v.asText()));
      rules.add("one of " + String.join(", ", values));
    }
    if (s.has("minimum")) {
      rules.add((s.path("exclusiveMinimum").asBoolean() ? "> " : ">= ") + number(s.get("minimum")));
    }
    if (s.has("maximum")) {
      rules.add((s.path("exclusiveMaximum").asBoolean() ? "< " : "<= ") + number(s.get("maximum")));
    }
    if (s.has("maxLength")) {
      rules.add("at most " + s.get("maxLength").asText() + " characters");
    }
    if (s.has("pattern")) {
      rules.add("matches `" + s.get("pattern").asText() + "`");
    }
    for (JsonNode rule : s.path("x-kubernetes-validations")) {
      rules.add("`" + rule.path("rule").asText() + "`: " + rule.path("message").asText());
    }
    return String.join("; ", rules);
  }

  private static String number(JsonNode n) {
    double v = n.asDouble();
    return v == Math.rint(v) ? Long.toString((long) v) : n.asText();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
