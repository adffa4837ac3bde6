package io.stableserve.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stableserve.api.InferenceService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code deploy/install.yaml} as kube-apiserver v1.20 can hold it: the CRD without its CEL rules
 * ({@code x-kubernetes-validations}, in the API from 1.23; v1.20's OpenAPI has no such field, so
 * kubectl refuses the CRD as it is) and without the PodDisruptionBudget ({@code policy/v1}, from
 * 1.21; v1.20 serves policy/v1beta1 only).
 */
public final class BundleForV120 {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BundleForV120() {}

  /** The objects v1.20 can hold, the CRD stripped of its CEL rules. */
  public static List<HasMetadata> of(List<HasMetadata> bundle) {
    return bundle.stream()
        .filter(o -> !o.getApiVersion().equals("policy/v1"))
        .map(o -> o instanceof CustomResourceDefinition crd ? withoutCelRules(crd) : o)
        .toList();
  }

  public static CustomResourceDefinition withoutCelRules(CustomResourceDefinition crd) {
    JsonNode tree = JSON.valueToTree(crd);
    strip(tree);
    return JSON.convertValue(tree, CustomResourceDefinition.class);
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove("x-kubernetes-validations");
    }
    node.forEach(BundleForV120::strip);
  }

  /** The objects of a YAML file. */
  public static List<HasMetadata> load(KubernetesClient client, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Server-side applies {@code deploy/install.yaml} of the repository, less what v1.20 cannot hold,
   * and waits for the InferenceService CRD to be Established.
   */
  public static void install(KubernetesClient admin, Path repository) {
    for (HasMetadata object : of(load(admin, repository.resolve("deploy/install.yaml")))) {
      admin.resource(object).fieldManager("stableserve-it").forceConflicts().serverSideApply();
    }
    awaitEstablished(admin, InferenceService.CRD_NAME);
  }

  public static void awaitEstablished(KubernetesClient admin, String crd) {
    admin.apiextensions().v1().customResourceDefinitions().withName(crd)
        .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
            .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True")), 30, TimeUnit.SECONDS);
  }
}
