package io.stableserve.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders a kustomize directory the way {@code kubectl kustomize} does, for the part of kustomize
 * that {@code deploy/} uses: {@code resources} (files and directories with their own
 * kustomization), inline JSON 6902 {@code patches} with a kind/name target, and {@code images},
 * which a release writes with {@code kustomize edit set image} to pin the operator image by digest. Anything else in a
 * kustomization is refused, so the layout cannot silently outgrow this renderer. Output order is
 * kustomize's legacy order (namespaces, CRDs and RBAC first). {@code DeployManifestsTest} compares
 * the result with {@code kubectl kustomize} where kubectl is installed.
 */
final class Kustomize {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .disable(YAMLGenerator.Feature.SPLIT_LINES));

  private static final Set<String> SUPPORTED_KEYS = Set.of("apiVersion", "kind", "resources", "patches", "images");

  /** kustomize's legacy order: these kinds first, in this order; then other kinds; then the webhooks. */
  private static final List<String> ORDER_FIRST = List.of("Namespace", "ResourceQuota", "StorageClass",
      "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
      "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass",
      "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget");
  private static final List<String> ORDER_LAST = List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

  private Kustomize() {}

  /** The objects a kustomization directory renders to, in output order. */
  static List<ObjectNode> build(Path directory) {
    List<ObjectNode> objects = collect(directory.normalize());
    Set<String> ids = new HashSet<>();
    for (ObjectNode o : objects) {
      if (!ids.add(id(o))) {
        throw new IllegalStateException(directory + ": " + id(o) + " is defined twice");
      }
    }
    List<ObjectNode> sorted = new ArrayList<>(objects);
    sorted.sort(Comparator.comparingInt(Kustomize::kindRank)
        .thenComparing(o -> o.path("kind").asText())
        .thenComparing(Kustomize::id));
    return sorted;
  }

  /** The objects as one multi-document YAML text, keys sorted as kustomize writes them. */
  static String toYaml(List<ObjectNode> objects) {
    StringBuilder out = new StringBuilder();
    for (ObjectNode o : objects) {
      if (out.length() > 0) {
        out.append("---\n");
      }
      try {
        out.append(YAML.writeValueAsString(sortedKeys(o)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write " + id(o), e);
      }
    }
    return out.toString();
  }

  /** Every YAML document of a file, skipping empty ones. */
  static List<ObjectNode> readDocuments(Path file) {
    List<ObjectNode> documents = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        if (!(node instanceof ObjectNode object)) {
          throw new IllegalStateException(file + ": a document is not a YAML mapping");
        }
        documents.add(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return documents;
  }

  private static List<ObjectNode> collect(Path directory) {
    Path file = directory.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(directory + " has no kustomization.yaml");
    }
    List<ObjectNode> docs = readDocuments(file);
    if (docs.size() != 1) {
      throw new IllegalStateException(file + " must hold exactly one document");
    }
    ObjectNode kustomization = docs.get(0);
    kustomization.fieldNames().forEachRemaining(key -> {
      if (!SUPPORTED_KEYS.contains(key)) {
        throw new IllegalStateException(file + ": '" + key + "' is not supported by this renderer; supported: " + SUPPORTED_KEYS);
      }
    });
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode entry : kustomization.path("resources")) {
      Path resource = directory.resolve(entry.asText()).normalize();
      if (Files.isDirectory(resource)) {
        objects.addAll(collect(resource));
      } else if (Files.isRegularFile(resource)) {
        if (!resource.startsWith(directory)) {
          throw new IllegalStateException(file + ": file " + entry.asText() + " lies outside the kustomization; kustomize refuses it");
        }
        objects.addAll(readDocuments(resource));
      } else {
        throw new IllegalStateException(file + ": resource " + entry.asText() + " does not exist");
      }
    }
    for (JsonNode patch : kustomization.path("patches")) {
      applyPatch(file, patch, objects);
    }
    for (JsonNode image : kustomization.path("images")) {
      if (!image.path("name").isTextual() || !(image.has("newName") || image.has("newTag") || image.has("digest"))) {
        throw new IllegalStateException(file + ": an images entry needs a name and a newName, newTag or digest");
      }
      objects.forEach(o -> setImage(o, image));
    }
    return objects;
  }

  /** Sets the image of every container under {@code node} whose image name is {@code image.name}. */
  private static void setImage(JsonNode node, JsonNode image) {
    node.fields().forEachRemaining(field -> {
      boolean containers = field.getKey().equals("containers") || field.getKey().equals("initContainers");
      for (JsonNode child : field.getValue().isArray() ? field.getValue() : List.of(field.getValue())) {
        if (containers && child instanceof ObjectNode container && container.path("image").isTextual()) {
          container.put("image", imageReference(container.get("image").asText(), image));
        } else if (child.isContainerNode()) {
          setImage(child, image);
        }
      }
    });
  }

  /** {@code reference} renamed, retagged or pinned as the images entry says, when its name is the entry's. */
  static String imageReference(String reference, JsonNode image) {
    int at = reference.indexOf('@');
    String withoutDigest = at >= 0 ? reference.substring(0, at) : reference;
    int colon = withoutDigest.lastIndexOf(':');
    boolean tagged = colon > withoutDigest.lastIndexOf('/');
    String name = tagged ? withoutDigest.substring(0, colon) : withoutDigest;
    if (!name.equals(image.get("name").asText())) {
      return reference;
    }
    String newName = image.path("newName").asText(name);
    if (!image.has("newTag") && !image.has("digest")) {
      return newName + reference.substring(name.length());
    }
    return newName + (image.has("newTag") ? ":" + image.get("newTag").asText() : "")
        + (image.has("digest") ? "@" + image.get("digest").asText() : "");
  }

  private static void applyPatch(Path file, JsonNode patch, List<ObjectNode> objects) {
    JsonNode target = patch.path("target");
    if (!patch.has("patch") || patch.has("path") || !target.has("kind") || !target.has("name")) {
      throw new IllegalStateException(file + ": only inline JSON 6902 patches with a target kind and name are supported");
    }
    JsonNode operations;
    try {
      operations = YAML.readTree(patch.get("patch").asText());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(file + ": patch is not YAML: " + e.getMessage(), e);
    }
    if (!(operations instanceof ArrayNode)) {
      throw new IllegalStateException(file + ": only JSON 6902 patches (a list of operations) are supported");
    }
    int matched = 0;
    for (int i = 0; i < objects.size(); i++) {
      ObjectNode o = objects.get(i);
      if (o.path("kind").asText().equals(target.get("kind").asText())
          && o.path("metadata").path("name").asText().equals(target.get("name").asText())
          && (!target.has("namespace") || o.path("metadata").path("namespace").asText().equals(target.get("namespace").asText()))) {
        objects.set(i, (ObjectNode) JsonPatch.apply(operations, o));
        matched++;
      }
    }
    if (matched == 0) {
      throw new IllegalStateException(file + ": patch target " + target + " matches no resource");
    }
  }

  private static int kindRank(ObjectNode o) {
    String kind = o.path("kind").asText();
    int first = ORDER_FIRST.indexOf(kind);
    if (first >= 0) {
      return first;
    }
    int last = ORDER_LAST.indexOf(kind);
    return last >= 0 ? ORDER_FIRST.size() + 1 + last : ORDER_FIRST.size();
  }

  static String id(JsonNode o) {
    String namespace = o.path("metadata").path("namespace").asText("");
    return o.path("apiVersion").asText() + " " + o.path("kind").asText() + " "
        + (namespace.isEmpty() ? "" : namespace + "/") + o.path("metadata").path("name").asText();
  }

  private static JsonNode sortedKeys(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      node.fields().forEachRemaining(e -> sorted.put(e.getKey(), sortedKeys(e.getValue())));
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> out.add(sortedKeys(item)));
      return out;
    }
    return node;
  }
}
