package io.stableserve.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The real API servers of {@code scripts/real-apiserver.sh}, started on first use in this JVM (the
 * first start on a machine builds them, about 15 minutes) and stopped when the JVM ends, unless
 * they were running before it. A server that cannot be built or started fails the test with the
 * script's own message. Used by the suite in {@code it/} and by {@code ./demo.sh --real-apiserver}
 * (through {@link Cluster}); the system properties {@code repository.root}, {@code apiserver.script}
 * and {@code apiserver.run} (the run folder, default {@code target/apiserver}) choose the files.
 */
public final class RealApiServers {

  /** Which server. */
  public enum Flavour {
    /** apiextensions-apiserver v1.36: CRDs with CEL; no built-in kinds, no RBAC. */
    CRD,
    /** kube-apiserver v1.20.2: built-in kinds, /scale, RBAC; no CEL. */
    KUBE
  }

  /** The repository's root. */
  public static final Path ROOT = System.getProperty("repository.root") != null
      ? Path.of(System.getProperty("repository.root")).toAbsolutePath().normalize() : ClosedLoop.repositoryRoot();
  private static final Path SCRIPT = Path.of(System.getProperty("apiserver.script", ROOT + "/scripts/real-apiserver.sh"));
  private static final Path RUN = Path.of(System.getProperty("apiserver.run", "target/apiserver")).toAbsolutePath();
  private static final long START_TIMEOUT_MINUTES = 45;

  private static final Set<Flavour> STARTED = EnumSet.noneOf(Flavour.class);
  private static Boolean stopAtExit;
  private static Path kubectl;

  private RealApiServers() {}

  /** An administrator of the CRD server. */
  public static KubernetesClient crdAdmin() {
    start(Flavour.CRD);
    return client("crd.kubeconfig");
  }

  /** A member of system:masters on kube-apiserver. */
  public static KubernetesClient kubeAdmin() {
    start(Flavour.KUBE);
    return client("kube-admin.kubeconfig");
  }

  /** The operator's ServiceAccount (stableserve-system/stableserve-operator) on kube-apiserver. */
  public static KubernetesClient kubeOperator() {
    start(Flavour.KUBE);
    return client("kube-operator.kubeconfig");
  }

  /** A file of the run folder, such as kube-audit.log. */
  public static Path file(String name) {
    return RUN.resolve(name);
  }

  /** A client of the given kubeconfig of the run folder. */
  public static KubernetesClient client(String kubeconfig) {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(RUN.resolve(kubeconfig))))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("no kubeconfig " + RUN.resolve(kubeconfig), e);
    }
  }

  /**
   * A kubectl that runs: the script's choice (the one on PATH, else v1.20.2 built once from the
   * kubernetes source package); fails with the script's message when there is none.
   */
  public static synchronized Path kubectl() {
    if (kubectl == null) {
      List<String> lines = script(List.of("kubectl")).lines().filter(l -> !l.isBlank()).toList();
      kubectl = Path.of(lines.get(lines.size() - 1));
    }
    return kubectl;
  }

  /** Builds (once per machine) and starts the server, with etcd, unless this JVM already did. */
  public static synchronized void start(Flavour flavour) {
    if (STARTED.contains(flavour)) {
      return;
    }
    if (stopAtExit == null) {
      String status = script(List.of("status"));
      stopAtExit = !status.contains(": running");
      if (stopAtExit) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> script(List.of("stop")), "stop-real-apiservers"));
      } else {
        System.err.println("real-apiserver: reusing the servers already running from " + RUN + "; they are left running");
      }
    }
    script(List.of("start", flavour.name().toLowerCase(Locale.ROOT)));
    STARTED.add(flavour);
  }

  /** Runs the script with the suite's run folder, echoes its output, and fails with its last lines. */
  private static String script(List<String> args) {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("STABLESERVE_APISERVER_RUN", RUN.toString());
    StringBuilder output = new StringBuilder();
    Deque<String> tail = new ArrayDeque<>();
    try {
      Process process = builder.start();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          System.err.println(line);
          output.append(line).append('\n');
          tail.addLast(line);
          if (tail.size() > 25) {
            tail.removeFirst();
          }
        }
      }
      if (!process.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(SCRIPT + " " + String.join(" ", args) + " did not finish in " + START_TIMEOUT_MINUTES + " minutes");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(SCRIPT + " " + String.join(" ", args) + " failed (exit " + process.exitValue() + "):\n"
            + String.join("\n", tail));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + SCRIPT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + SCRIPT, e);
    }
    return output.toString();
  }
}
