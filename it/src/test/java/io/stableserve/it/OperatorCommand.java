package io.stableserve.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.stableserve.e2e.OperatorJar;
import io.stableserve.e2e.RealApiServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The operator as it is deployed, {@code stableserve.jar run} in a process of its own
 * ({@link OperatorJar}), as the install bundle's ServiceAccount on kube-apiserver. Like a pod, its
 * leader-election identity is its {@code HOSTNAME}; its requests carry
 * {@code stableserve-operator/IDENTITY} as their user agent (Fabric8's {@code kubernetes.user.agent}),
 * so that the audit log tells processes apart. Its output goes to {@code target/operators/IDENTITY.log}.
 */
record OperatorCommand(String identity, OperatorJar process) implements AutoCloseable {

  /** Starts {@code run} with the arguments and returns once it is ready ({@code /readyz}). */
  static OperatorCommand start(String identity, List<String> runArguments) {
    Path log = Path.of("target", "operators", identity + ".log").toAbsolutePath();
    try {
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new OperatorCommand(identity, OperatorJar.start(OperatorJar.jar(RealApiServers.ROOT),
        RealApiServers.file("kube-operator.kubeconfig"), log, List.of("-Xmx256m", "-Dkubernetes.user.agent=" + userAgent(identity)),
        Map.of("HOSTNAME", identity), runArguments));
  }

  /** The user agent of the requests of the process of this identity. */
  static String userAgent(String identity) {
    return "stableserve-operator/" + identity;
  }

  /** Whether this process sent the audit event. */
  boolean sent(JsonNode event) {
    return event.path("userAgent").asText().equals(userAgent(identity));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Its state and the end of its output, for a failure's message. */
  String tail() {
    return identity + " (" + (isAlive() ? "running" : "exited") + "), end of " + process.log() + ":\n" + process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }
}
