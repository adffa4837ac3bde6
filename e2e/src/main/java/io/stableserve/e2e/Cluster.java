package io.stableserve.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stableserve.api.InferenceService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster of the closed loop, with the InferenceService CRD applied and a kubeconfig file for the
 * operator process: Fabric8's API server mock in CRUD mode on loopback ({@link ApiServer#MOCK}, quick,
 * nothing to build), or kube-apiserver v1.20.2 of {@code scripts/real-apiserver.sh}
 * ({@link ApiServer#REAL}) with the install bundle, the operator authenticated as its ServiceAccount.
 */
public final class Cluster implements AutoCloseable {

  /** Which API server the loop runs on. */
  public enum ApiServer {
    /** Fabric8's KubernetesMockServer: no RBAC, no schema validation, no real watch or /scale. */
    MOCK,
    /**
     * kube-apiserver v1.20.2 (built on first use, about 5 minutes on two cores, then cached): RBAC, the CRD's
     * schema without CEL, /scale; no controller-manager, so the simulated fleet writes the
     * Deployment's status.
     */
    REAL
  }

  /** Held so the level sticks: the mock server logs every request at INFO. */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  /** The operator's kubeconfig authenticates with this token on the mock, which tells its requests from the harness's. */
  static final String OPERATOR_TOKEN = "closed-loop";

  /**
   * A request the API server mock received.
   *
   * @param byOperator sent with the operator's kubeconfig (its token), not by the harness's client
   */
  public record SeenRequest(String method, String path, boolean byOperator) {}

  private final Runnable stopServer;
  private final MockWebServer recorder;
  private final String url;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private final Path repository;

  private Cluster(Runnable stopServer, MockWebServer recorder, String url, KubernetesClient client, Path kubeconfig,
      Path repository) {
    this.stopServer = stopServer;
    this.recorder = recorder;
    this.url = url;
    this.client = client;
    this.kubeconfig = kubeconfig;
    this.repository = repository;
  }

  public static Cluster start(ApiServer apiServer, Path repository, Path workDir) {
    return apiServer == ApiServer.REAL ? startReal(repository) : start(repository, workDir);
  }

  /**
   * kube-apiserver with {@code deploy/install.yaml} (less what v1.20 cannot hold), read and written as
   * its administrator; the operator's kubeconfig is the ServiceAccount's. The servers stop when the
   * JVM ends, unless they ran before it.
   */
  private static Cluster startReal(Path repository) {
    KubernetesClient admin = RealApiServers.kubeAdmin();
    BundleForV120.install(admin, repository);
    return new Cluster(() -> {}, null, admin.getMasterUrl().toString(), admin, RealApiServers.file("kube-operator.kubeconfig"), repository);
  }

  /** Starts the mock API server, applies the CRD and writes a kubeconfig for it into {@code workDir}. */
  public static Cluster start(Path repository, Path workDir) {
    MOCK_LOG.setLevel(Level.WARNING);
    MockWebServer recorder = new MockWebServer();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), recorder, new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    try {
      Files.createDirectories(workDir);
      Path kubeconfig = workDir.resolve("kubeconfig");
      Files.writeString(kubeconfig, String.join("\n",
          "apiVersion: v1",
          "kind: Config",
          "clusters:",
          "- name: closed-loop",
          "  cluster:",
          "    server: http://127.0.0.1:" + server.getPort(),
          "contexts:",
          "- name: closed-loop",
          "  context:",
          "    cluster: closed-loop",
          "    user: operator",
          "    namespace: default",
          "current-context: closed-loop",
          "users:",
          "- name: operator",
          "  user:",
          "    token: " + OPERATOR_TOKEN,
          ""));
      Cluster cluster = new Cluster(server::destroy, recorder, "http://127.0.0.1:" + server.getPort(), client, kubeconfig, repository);
      cluster.apply(repository.resolve("crds/inferenceservices.stableserve.io-v1.yml"));
      return cluster;
    } catch (IOException e) {
      server.destroy();
      throw new UncheckedIOException("cannot write the kubeconfig into " + workDir, e);
    }
  }

  /** Creates every object of a manifest file (all documents), as {@code kubectl create -f} would. */
  public List<HasMetadata> apply(Path manifest) {
    try (InputStream in = Files.newInputStream(manifest)) {
      return client.load(in).create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    }
  }

  /** Reads the objects of a manifest without creating them, for a test copy with changes. */
  public List<HasMetadata> read(Path manifest) {
    try (InputStream in = Files.newInputStream(manifest)) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    }
  }

  /** The vLLM Deployment of {@code deploy/samples/vllm-deployment.yaml}, moved to another namespace. */
  public Deployment sampleDeployment(String namespace) {
    Deployment d = read(repository.resolve("deploy/samples/vllm-deployment.yaml")).stream()
        .filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
        .orElseThrow(() -> new IllegalStateException("deploy/samples/vllm-deployment.yaml has no Deployment"));
    d.getMetadata().setNamespace(namespace);
    return d;
  }

  /** An InferenceService of {@code deploy/samples/}, by file name, moved to another namespace. */
  public InferenceService sampleService(String file, String namespace) {
    try (InputStream in = Files.newInputStream(repository.resolve("deploy/samples").resolve(file))) {
      InferenceService s = client.getKubernetesSerialization().unmarshal(in, InferenceService.class);
      s.getMetadata().setNamespace(namespace);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read deploy/samples/" + file, e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * The requests the API server mock received since the last call (or its start), oldest first.
   * Only the mock records them; on kube-apiserver the audit log does ({@code it/}).
   */
  public List<SeenRequest> takeRequests() {
    if (recorder == null) {
      throw new UnsupportedOperationException("only the API server mock records its requests; read kube-apiserver's audit log");
    }
    List<SeenRequest> seen = new ArrayList<>();
    try {
      for (RecordedRequest r = recorder.takeRequest(0, TimeUnit.MILLISECONDS); r != null;
          r = recorder.takeRequest(0, TimeUnit.MILLISECONDS)) {
        seen.add(new SeenRequest(r.getMethod(), r.getPath(), ("Bearer " + OPERATOR_TOKEN).equals(r.getHeader("Authorization"))));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the mock's requests", e);
    }
    return seen;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public String url() {
    return url;
  }

  @Override
  public void close() {
    client.close();
    stopServer.run();
  }
}
