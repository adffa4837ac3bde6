package io.stableserve.testing;

import io.stableserve.cli.StableServe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server for tests: Debian's {@code prometheus} binary (installed by
 * {@code scripts/ensure-prometheus.sh} when missing), started on a free loopback port with its own
 * configuration and data directory in a temporary folder, scraping every second, with targets
 * from a file ({@code file_sd_configs}) that {@link #setTargets} rewrites while it runs. Close it to
 * stop the process and delete the folder.
 *
 * <pre>{@code
 * try (MetricsEndpoint vllm = MetricsEndpoint.start(() -> exposition());
 *      PrometheusServer prometheus = PrometheusServer.start()) {
 *   prometheus.setTargets(List.of(PrometheusServer.Target.of(vllm.address())));
 *   prometheus.awaitScrapes(vllm.address(), 2, Duration.ofSeconds(20));
 *   ... query prometheus.url() ...
 * }
 * }</pre>
 *
 * <p>The binary is taken from {@code -Dprometheus.bin} or {@code $PROMETHEUS_BIN}, else from what the
 * script prints. The script is found by walking up from the working directory to a folder that has
 * {@code scripts/ensure-prometheus.sh}, so the fixture works from any module of the build.
 */
public final class PrometheusServer implements AutoCloseable {

  public static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A scrape target: {@code host:port} and extra labels to attach to its series. */
  public record Target(String address, Map<String, String> labels) {
    public Target {
      labels = Map.copyOf(labels);
    }

    public static Target of(String address) {
      return new Target(address, Map.of());
    }
  }

  private volatile Process process;
  private final Path home;
  private final Path targets;
  private final URI url;
  private final List<String> command;
  private final Path log;

  private PrometheusServer(Process process, Path home, Path targets, URI url, List<String> command, Path log) {
    this.process = process;
    this.home = home;
    this.targets = targets;
    this.url = url;
    this.command = List.copyOf(command);
    this.log = log;
  }

  /** Starts a Prometheus with no targets yet; fails with the reason when no binary can be had or it does not start. */
  public static PrometheusServer start() {
    String binary = binary();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return launch(binary);
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  private static PrometheusServer launch(String binary) {
    Path home;
    try {
      home = Files.createTempDirectory("stableserve-prometheus-");
      Path targets = home.resolve("targets.json");
      Files.writeString(targets, "[]");
      Path config = home.resolve("prometheus.yml");
      Files.writeString(config, String.join("\n",
          "global:",
          "  scrape_interval: 1s",
          "  scrape_timeout: 1s",
          "  evaluation_interval: 1s",
          "scrape_configs:",
          "  - job_name: vllm",
          "    file_sd_configs:",
          "      - files: ['" + targets + "']",
          "        refresh_interval: 1s",
          ""));
      int port = freePort();
      Path log = home.resolve("prometheus.log");
      List<String> command = List.of(binary,
          "--config.file=" + config,
          "--storage.tsdb.path=" + home.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port,
          "--storage.tsdb.retention.time=1h",
          "--log.level=warn");
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      URI url = URI.create("http://127.0.0.1:" + port);
      PrometheusServer server = new PrometheusServer(process, home, targets, url, command, log);
      try {
        server.awaitReady(Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        String tail = Files.exists(log) ? tail(Files.readString(log)) : "(no log)";
        server.close();
        throw new IllegalStateException("Prometheus did not become ready on port " + port + ": " + e.getMessage() + "\nlog:\n" + tail, e);
      }
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Prometheus (" + binary + "): " + e.getMessage(), e);
    }
  }

  /** The binary to run: -Dprometheus.bin, $PROMETHEUS_BIN, or what scripts/ensure-prometheus.sh prints (installing it if needed). */
  static String binary() {
    String given = System.getProperty("prometheus.bin", System.getenv("PROMETHEUS_BIN"));
    if (given != null && !given.isBlank() && Files.isExecutable(Path.of(given))) {
      return given;
    }
    Path script = findScript();
    try {
      Process p = new ProcessBuilder("sh", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
        throw new IllegalStateException("scripts/ensure-prometheus.sh could not provide a prometheus binary (exit "
            + (p.isAlive() ? "timeout" : p.exitValue()) + "); install Debian's prometheus package or set PROMETHEUS_BIN");
      }
      String[] lines = out.split("\n");
      return lines[lines.length - 1].strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while providing prometheus", e);
    }
  }

  private static Path findScript() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path candidate = d.resolve("scripts").resolve("ensure-prometheus.sh");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("scripts/ensure-prometheus.sh not found above " + dir
        + "; run the tests inside the StableServe checkout or set PROMETHEUS_BIN");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public URI url() {
    return url;
  }

  /** Replaces the scrape targets; Prometheus picks the change up within about a second. */
  public void setTargets(List<Target> list) {
    ArrayNode root = JSON.createArrayNode();
    for (Target t : list) {
      ObjectNode group = root.addObject();
      group.putArray("targets").add(t.address());
      ObjectNode labels = group.putObject("labels");
      t.labels().forEach(labels::put);
    }
    try {
      Path temporary = home.resolve("targets.json.tmp");
      Files.writeString(temporary, JSON.writeValueAsString(root));
      Files.move(temporary, targets, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the targets file " + targets, e);
    }
  }

  /**
   * Waits until Prometheus has scraped {@code address} successfully {@code scrapes} times after this
   * call (so the newest data of the target is in).
   */
  public void awaitScrapes(String address, int scrapes, Duration timeout) {
    Instant since = Instant.now();
    Instant deadline = since.plus(timeout);
    String promql = "count_over_time(up{instance=\"" + address + "\"}[1h])";
    double before = -1;
    while (Instant.now().isBefore(deadline)) {
      double seen = scalar(promql);
      double upNow = scalar("up{instance=\"" + address + "\"}");
      if (before < 0 && seen >= 0) {
        before = seen;
      }
      if (before >= 0 && seen - before >= scrapes && upNow == 1) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException("Prometheus did not scrape " + address + " " + scrapes + " times within " + timeout
        + "; targets: " + get("api/v1/targets"));
  }

  /** Waits until an instant query returns at least one sample. */
  public void awaitSeries(String promql, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (scalar(promql) >= 0) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException("no series for " + promql + " within " + timeout);
  }

  /** The first sample of an instant query, or −1 when there is none. */
  public double scalar(String promql) {
    JsonNode answer = get("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode result = answer.path("data").path("result");
    if (!result.isArray() || result.isEmpty()) {
      return -1;
    }
    return Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the process exited with " + process.exitValue());
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = "HTTP " + r.statusCode();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      sleep(100);
    }
    throw new IllegalStateException("not ready within " + timeout + " (" + last + ")");
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url.resolve("/" + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("Prometheus query " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String tail(String log) {
    return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
  }

  /**
   * Stops the Prometheus process as an outage would, keeping its data, configuration and port, so
   * that {@link #restart} brings the same server back.
   */
  public void stop() {
    terminate();
  }

  /** Starts the stopped server again on the same port with the same data; returns once it is ready. */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("Prometheus is running; stop it before restarting it");
    }
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady(Duration.ofSeconds(30));
        return;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restart Prometheus", e);
      } catch (IllegalStateException e) {
        // The port may still be held for a moment after the old process exited.
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("Prometheus did not come back on " + url + ": " + e.getMessage(), e);
        }
        sleep(500);
      }
    }
  }

  @Override
  public void close() {
    terminate();
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary folder is not worth failing a test over.
    }
  }

  private void terminate() {
    Process process = this.process;
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
