package io.stableserve.it;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.stableserve.e2e.BundleForV120;
import io.stableserve.e2e.RealApiServers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * kube-apiserver with deploy/install.yaml, every sample of deploy/samples and a few more scale
 * targets, installed once per JVM. v1.20 cannot hold all of the bundle ({@link BundleForV120}): the CRD
 * goes without its CEL rules and the PodDisruptionBudget (policy/v1, from 1.21) is left out.
 */
final class InstalledBundle {

  static final String SYSTEM = "stableserve-system";
  static final String ACCOUNT = "stableserve-operator";
  static final String USER = "system:serviceaccount:" + SYSTEM + ":" + ACCOUNT;
  static final String WATCHED = "llm";

  private static KubernetesClient admin;

  private InstalledBundle() {}

  /** The administrator of the server, the bundle installed. */
  static synchronized KubernetesClient admin() {
    if (admin == null) {
      KubernetesClient client = RealApiServers.kubeAdmin();
      install(client);
      admin = client;
    }
    return admin;
  }

  /** The objects of a YAML file. */
  static List<HasMetadata> load(Path file) {
    return load(admin(), file);
  }

  static List<HasMetadata> load(KubernetesClient client, Path file) {
    return BundleForV120.load(client, file);
  }

  /** The bundle less what v1.20 cannot hold ({@link BundleForV120}). */
  static List<HasMetadata> forV120(List<HasMetadata> bundle) {
    return BundleForV120.of(bundle);
  }

  private static void install(KubernetesClient admin) {
    BundleForV120.install(admin, RealApiServers.ROOT);
    // the kinds the operator may scale besides Deployments, and KEDA's ScaledObject
    apply(admin, scalableCrd("leaderworkerset.x-k8s.io", "LeaderWorkerSet", "leaderworkersets", "v1"));
    apply(admin, scalableCrd("keda.sh", "ScaledObject", "scaledobjects", "v1alpha1"));
    BundleForV120.awaitEstablished(admin, "leaderworkersets.leaderworkerset.x-k8s.io");
    BundleForV120.awaitEstablished(admin, "scaledobjects.keda.sh");

    List<Path> samples;
    try (Stream<Path> files = Files.list(RealApiServers.ROOT.resolve("deploy/samples"))) {
      samples = files.filter(f -> f.toString().endsWith(".yaml"))
          .sorted(Comparator.comparing((Path f) -> !f.getFileName().toString().equals("namespace.yaml")).thenComparing(f -> f))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // As the README applies them: client-side. v1.20.2 refuses a server-side apply of a port
    // without its protocol, as the samples write them ("associative list with keys has an element
    // that omits key field protocol"), a bug of that version.
    for (Path sample : samples) {
      for (HasMetadata object : load(admin, sample)) {
        // on servers already running: v1.20 refuses an update of a Service without the clusterIP it assigned
        if (object instanceof Service && admin.resource(object).get() != null) {
          continue;
        }
        admin.resource(object).createOr(NonDeletingOperation::update);
      }
      if (sample.getFileName().toString().equals("namespace.yaml")) {
        // Before the samples that scale the same Deployment: the oldest claim wins by creation time
        // (whole seconds), then name, so created first it holds the target whichever second the
        // samples fall in.
        apply(admin, LLAMA);
      }
    }
    apply(admin, """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: llama-statefulset, namespace: llm}
        spec:
          serviceName: llama
          replicas: 1
          selector: {matchLabels: {app: llama-statefulset}}
          template:
            metadata: {labels: {app: llama-statefulset}}
            spec: {containers: [{name: vllm, image: vllm/vllm-openai:v0.11.0}]}
        ---
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata: {name: llama-lws, namespace: llm}
        spec: {replicas: 1}
        """);
    apply(admin, LLAMA);
  }

  /**
   * The minimal sample's InferenceService with a bound and a Prometheus: created before the other
   * samples, and again after them, since the minimal sample (the same name) replaces its spec.
   */
  private static final String LLAMA = """
      apiVersion: stableserve.io/v1alpha1
      kind: InferenceService
      metadata: {name: llama-3-1-8b, namespace: llm}
      spec:
        scaleTargetRef: {kind: Deployment, name: llama-3-1-8b}
        replicas: {max: 8}
        metrics: {prometheusUrl: 'http://prometheus.monitoring:9090', selector: 'namespace="llm"'}
      """;

  private static String scalableCrd(String group, String kind, String plural, String version) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: %3$s.%1$s}
        spec:
          group: %1$s
          names: {kind: %2$s, plural: %3$s}
          scope: Namespaced
          versions:
          - name: %4$s
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  status: {type: object, x-kubernetes-preserve-unknown-fields: true}
            subresources:
              status: {}
              scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
        """.formatted(group, kind, plural, version);
  }

  /** A namespace and in it a Deployment of one vLLM replica (which no controller-manager starts), as YAML. */
  static String namespaceAndDeployment(String namespace, String name) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %2$s}}
          template:
            metadata: {labels: {app: %2$s}}
            spec: {containers: [{name: vllm, image: vllm/vllm-openai:v0.11.0}]}
        """.formatted(namespace, name);
  }

  /** Creates or updates (client-side, as the README's kubectl apply) the objects of the YAML. */
  static void apply(KubernetesClient admin, String yaml) {
    for (HasMetadata object : admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      admin.resource(object).createOr(NonDeletingOperation::update);
    }
  }
}
