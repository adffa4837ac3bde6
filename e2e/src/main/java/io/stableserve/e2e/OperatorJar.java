package io.stableserve.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as it runs in production: {@code java -jar stableserve.jar run} in its own process,
 * with {@code KUBECONFIG} pointing at the cluster; for the closed loop with no leader election (one
 * replica). Its output goes to a log file; {@link #start} returns once {@code /readyz} answers 200.
 */
public final class OperatorJar implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final int metricsPort;

  private OperatorJar(Process process, Path log, int metricsPort) {
    this.process = process;
    this.log = log;
    this.metricsPort = metricsPort;
  }

  /** The jar: {@code -Dstableserve.jar}, else {@code operator/target/stableserve.jar} of the repository. */
  public static Path jar(Path repository) {
    String given = System.getProperty("stableserve.jar");
    Path jar = given != null && !given.isBlank() ? Path.of(given) : repository.resolve("operator/target/stableserve.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build it first (./mvnw -B -pl operator -am package -DskipTests)");
    }
    return jar;
  }

  /** One replica: {@code run --no-leader-election}. */
  public static OperatorJar start(Path jar, Path kubeconfig, Path log) {
    return start(jar, kubeconfig, log, List.of(), Map.of(), List.of("--no-leader-election"));
  }

  /**
   * {@code run} with these arguments besides the ports, the JVM options before {@code -jar} and
   * these environment variables besides {@code KUBECONFIG}.
   */
  public static OperatorJar start(Path jar, Path kubeconfig, Path log, List<String> jvmOptions, Map<String, String> environment,
      List<String> runArguments) {
    try {
      int metricsPort = freePort();
      int healthPort = freePort();
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toString(), "run"));
      command.addAll(runArguments);
      command.addAll(List.of("--metrics-port=" + metricsPort, "--health-port=" + healthPort));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      Process process = builder.start();
      OperatorJar operator = new OperatorJar(process, log, metricsPort);
      operator.awaitReady(healthPort, Duration.ofSeconds(90));
      return operator;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the operator from " + jar, e);
    }
  }

  private void awaitReady(int healthPort, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    URI readyz = URI.create("http://127.0.0.1:" + healthPort + "/readyz");
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited with " + process.exitValue() + "; its log:\n" + logTail());
      }
      try {
        if (HTTP.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the operator", e);
      }
      sleep(250);
    }
    close();
    throw new IllegalStateException("the operator was not ready within " + timeout + "; its log:\n" + logTail());
  }

  /** Where the operator serves {@code /metrics}, as {@code host:port}, for Prometheus to scrape. */
  public String metricsAddress() {
    return "127.0.0.1:" + metricsPort;
  }

  /** The operator's own {@code /metrics} page. */
  public String metrics() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the operator's /metrics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as a crash or a lost node ends it: no shutdown hook runs. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the operator still runs 30 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Path log() {
    return log;
  }

  public String logTail() {
    try {
      String text = Files.readString(log);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM, as the kubelet stops a pod; whether it exited within the grace period (else SIGKILL). */
  public boolean stop(Duration grace) {
    process.destroy();
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    return false;
  }

  /** The exit code, or null while it runs. */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
