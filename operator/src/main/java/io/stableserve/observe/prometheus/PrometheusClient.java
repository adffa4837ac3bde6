package io.stableserve.observe.prometheus;

import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Prometheus HTTP API ({@code /api/v1/query}, {@code /api/v1/query_range}) that
 * tells apart every way a query can fail (see {@link MetricsProblem}). An empty result is not a
 * failure here: it is returned as an empty list, and the caller decides whether the signal was
 * required.
 */
public final class PrometheusClient implements PrometheusApi {

  /**
   * The largest answer read; the first byte past it ends the read, and the query fails. The
   * largest answer the observe stage asks for is the success counter of every replica over the
   * window (a range query of some 11 points): about 1 KiB a series, some 5 MiB for 1,000 replicas
   * with five finished_reason values each. 16 MiB leaves room for that while bounding what a
   * wrong URL or an override that does not aggregate can make the operator hold: these bytes and
   * their JSON tree.
   */
  static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LOGGED_BODY_BYTES = 2048;
  private static final Set<String> RESULT_TYPES = Set.of("matrix", "vector", "scalar", "string");
  private static final Set<String> ERROR_TYPES =
      Set.of("timeout", "canceled", "execution", "bad_data", "internal", "unavailable", "not_found", "not_acceptable");
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}");

  /** One sample of an instant vector (or the scalar, with no labels). */
  public record Sample(Map<String, String> labels, double value, Instant timestamp) {
    public Sample {
      labels = Map.copyOf(labels);
    }
  }

  /** One series of a range query, its points oldest first. */
  public record Series(Map<String, String> labels, List<Point> points) {
    public Series {
      labels = Map.copyOf(labels);
      points = List.copyOf(points);
    }
  }

  public record Point(Instant timestamp, double value) {}

  private final URI base;
  private final String authorization;
  private final HttpClient http;

  public PrometheusClient(PrometheusSource config) {
    this(config, httpClient(config));
  }

  /** A client of {@code config}'s Prometheus over {@code http}, which other sources of the same endpoint may share. */
  PrometheusClient(PrometheusSource config, HttpClient http) {
    String url = config.prometheusUrl().toString();
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
    this.authorization = config.bearerToken().map(t -> "Bearer " + t).orElse(null);
    this.http = http;
  }

  /** An HTTP client for {@code config}'s endpoint: its CA and connect timeout; the bearer token goes on each request. */
  static HttpClient httpClient(PrometheusSource config) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(config.timeout())
        // A redirect would carry the bearer token and the queries to an address nobody configured.
        .followRedirects(HttpClient.Redirect.NEVER);
    config.caCertificatePem().ifPresent(pem -> builder.sslContext(trusting(pem)));
    return builder.build();
  }

  /**
   * What came back over HTTP. The body is only ever parsed or logged at DEBUG: a message that
   * reaches a status condition or an Event names the status, the media type and the length, never
   * the body's text, lest the operator read out whatever answers at a URL a user can set.
   *
   * @param contentType the Content-Type header, null when there was none
   */
  record HttpAnswer(int status, String contentType, byte[] body) {
    static HttpAnswer of(int status, String body) {
      return new HttpAnswer(status, null, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Media type and length: what a message may say about a body. */
    String shape() {
      return mediaType(contentType) + ", " + body.length + " bytes";
    }
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(JsonNode data, String promql, Signal signal) throws MetricsUnavailableException;
  }

  /** An instant query evaluated at {@code time}. */
  @Override
  public List<Sample> query(String promql, Instant time, Signal signal, Duration timeout) throws MetricsUnavailableException {
    return read(post("api/v1/query", Map.of("query", promql, "time", seconds(time)), promql, signal, timeout), promql, signal,
        PrometheusClient::instant);
  }

  /** A range query over [start, end] at {@code step}. */
  @Override
  public List<Series> queryRange(String promql, Instant start, Instant end, Duration step, Signal signal, Duration timeout)
      throws MetricsUnavailableException {
    return read(post("api/v1/query_range", Map.of("query", promql, "start", seconds(start), "end", seconds(end),
        "step", seconds(step)), promql, signal, timeout), promql, signal, PrometheusClient::range);
  }

  /** Reads the answer to an instant query: HTTP status and body as Prometheus sent them. */
  public static List<Sample> instantAnswer(int status, String body, String promql, Signal signal) throws MetricsUnavailableException {
    return read(HttpAnswer.of(status, body), promql, signal, PrometheusClient::instant);
  }

  /** Reads the answer to a range query: HTTP status and body as Prometheus sent them. */
  public static List<Series> rangeAnswer(int status, String body, String promql, Signal signal) throws MetricsUnavailableException {
    return read(HttpAnswer.of(status, body), promql, signal, PrometheusClient::range);
  }

  private static <T> T read(HttpAnswer http, String promql, Signal signal, Reader<T> reader) throws MetricsUnavailableException {
    try {
      return reader.read(answer(http, promql, signal), promql, signal);
    } catch (MetricsUnavailableException e) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("Prometheus answer refused (HTTP {}, {}) to query {}: {}", http.status(), http.shape(), promql, excerpt(http.body()));
      }
      throw e;
    }
  }

  private static List<Sample> instant(JsonNode data, String promql, Signal signal) throws MetricsUnavailableException {
    String type = text(data, "resultType", promql, signal);
    JsonNode result = data.get("result");
    List<Sample> samples = new ArrayList<>();
    switch (type) {
      case "vector" -> {
        for (JsonNode item : array(result, promql, signal)) {
          JsonNode value = item.get("value");
          samples.add(new Sample(labels(item.get("metric"), promql, signal), number(value, 1, promql, signal),
              timestamp(value, promql, signal)));
        }
      }
      case "scalar" -> samples.add(new Sample(Map.of(), number(result, 1, promql, signal), timestamp(result, promql, signal)));
      default -> throw malformed(promql, signal, "an instant query answered with " + resultType(type) + ", expected vector or scalar");
    }
    return samples;
  }

  private static List<Series> range(JsonNode data, String promql, Signal signal) throws MetricsUnavailableException {
    String type = text(data, "resultType", promql, signal);
    if (!type.equals("matrix")) {
      throw malformed(promql, signal, "a range query answered with " + resultType(type) + ", expected matrix");
    }
    List<Series> series = new ArrayList<>();
    for (JsonNode item : array(data.get("result"), promql, signal)) {
      List<Point> points = new ArrayList<>();
      for (JsonNode value : array(item.get("values"), promql, signal)) {
        points.add(new Point(timestamp(value, promql, signal), number(value, 1, promql, signal)));
      }
      series.add(new Series(labels(item.get("metric"), promql, signal), points));
    }
    return series;
  }

  private HttpAnswer post(String path, Map<String, String> form, String promql, Signal signal, Duration timeout)
      throws MetricsUnavailableException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    // The request's own timeout ends at the response headers; waiting on the whole exchange bounds a body that trickles in too.
    CompletableFuture<HttpResponse<Optional<byte[]>>> exchange = http.sendAsync(request.build(),
        info -> new CappedBody(MAX_ANSWER_BYTES, info.headers().firstValueAsLong("Content-Length").orElse(-1)));
    HttpResponse<Optional<byte[]>> response;
    try {
      response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new MetricsUnavailableException(MetricsProblem.TIMEOUT, signal, promql,
          "Prometheus at " + base + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw failed(e.getCause(), promql, signal, timeout);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new MetricsUnavailableException(MetricsProblem.TIMEOUT, signal, promql, "interrupted while waiting for Prometheus", e);
    }
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    if (response.body().isEmpty()) {
      LOG.debug("Prometheus answer refused (HTTP {}, {}, over {} bytes) to query {}", response.statusCode(), mediaType(contentType),
          MAX_ANSWER_BYTES, promql);
      throw malformed(promql, signal, "the answer is larger than " + MAX_ANSWER_BYTES / (1024 * 1024)
          + " MiB, more than any query of the observe stage needs (does an override lack an aggregation such as sum(...)?);"
          + " it was not read further");
    }
    return new HttpAnswer(response.statusCode(), contentType, response.body().get());
  }

  private MetricsUnavailableException failed(Throwable failure, String promql, Signal signal, Duration timeout) {
    Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (e instanceof HttpConnectTimeoutException) {
      return new MetricsUnavailableException(MetricsProblem.TIMEOUT, signal, promql,
          "no connection to " + base + " within " + timeout.toMillis() + " ms", e);
    }
    if (e instanceof HttpTimeoutException) {
      return new MetricsUnavailableException(MetricsProblem.TIMEOUT, signal, promql,
          "Prometheus at " + base + " did not answer within " + timeout.toMillis() + " ms", e);
    }
    if (e instanceof ConnectException) {
      return new MetricsUnavailableException(MetricsProblem.PROMETHEUS_UNREACHABLE, signal, promql,
          "cannot connect to " + base + ": " + describe(e), e);
    }
    if (e instanceof SSLException || e.getCause() instanceof SSLException) {
      return new MetricsUnavailableException(MetricsProblem.PROMETHEUS_UNREACHABLE, signal, promql,
          "TLS with " + base + " failed (is the CA certificate the one that signs Prometheus's?): " + describe(e), e);
    }
    // Once connected, the JDK's message may quote what the server sent (an invalid status line is its banner): name the failure only.
    LOG.debug("request to {} failed", base, e);
    return new MetricsUnavailableException(MetricsProblem.PROMETHEUS_UNREACHABLE, signal, promql,
        "request to " + base + " failed: " + e.getClass().getSimpleName() + " (the operator logs the detail at DEBUG)", e);
  }

  /**
   * Collects a body of at most {@code cap} bytes: the first byte past it (or a declared length
   * past it) cancels the read and gives an empty result, so that an answer too large never takes
   * more memory than the cap.
   */
  static final class CappedBody implements HttpResponse.BodySubscriber<Optional<byte[]>> {
    private final int cap;
    private final long declaredLength;
    private final ByteArrayOutputStream bytes;
    private final CompletableFuture<Optional<byte[]>> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    /** @param declaredLength the Content-Length, -1 when none was given */
    CappedBody(int cap, long declaredLength) {
      this.cap = cap;
      this.declaredLength = declaredLength;
      this.bytes = new ByteArrayOutputStream(declaredLength >= 0 && declaredLength <= cap ? (int) declaredLength : 8192);
    }

    @Override
    public CompletionStage<Optional<byte[]>> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declaredLength > cap) {
        tooLarge();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (body.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (buffer.remaining() > cap - bytes.size()) {
          tooLarge();
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      body.complete(Optional.of(bytes.toByteArray()));
    }

    private void tooLarge() {
      subscription.cancel();
      body.complete(Optional.empty());
    }
  }

  /** Reads a Prometheus API answer; package-visible so that canned answers can be tested without a server. */
  static JsonNode answer(HttpAnswer http, String promql, Signal signal) throws MetricsUnavailableException {
    int status = http.status();
    if (status >= 300 && status < 400) {
      throw new MetricsUnavailableException(MetricsProblem.HTTP_ERROR, signal, promql, "HTTP " + status
          + " is a redirect, and redirects are not followed; set metrics.prometheusUrl to the final address, the one it redirects to");
    }
    JsonNode root;
    try {
      root = http.body().length == 0 ? null : JSON.readTree(http.body());
    } catch (IOException e) {
      root = null;
    }
    boolean apiAnswer = root != null && root.isObject() && root.hasNonNull("status");
    if (apiAnswer && "error".equals(root.path("status").asText())) {
      // Prometheus's own error text stays out of the message like the rest of the body; the type is one of a known few.
      String errorType = root.path("errorType").asText("");
      if (errorType.equals("timeout") || errorType.equals("canceled")) {
        throw new MetricsUnavailableException(MetricsProblem.TIMEOUT, signal, promql, "Prometheus gave up on the query (" + errorType + ")");
      }
      if (errorType.equals("bad_data") || errorType.equals("execution")) {
        throw new MetricsUnavailableException(MetricsProblem.QUERY_ERROR, signal, promql, "Prometheus rejected the query ("
            + errorType + "); run it in Prometheus to read why");
      }
      throw new MetricsUnavailableException(MetricsProblem.HTTP_ERROR, signal, promql, "HTTP " + status + ", Prometheus error "
          + (ERROR_TYPES.contains(errorType) ? errorType : "of an unknown type"));
    }
    if (status != 200) {
      throw new MetricsUnavailableException(MetricsProblem.HTTP_ERROR, signal, promql,
          "HTTP " + status + (status == 401 || status == 403 ? " (the bearer token is missing, wrong or lacks permission)"
              : status == 404 ? " (no Prometheus API at this URL)" : "") + "; " + unrepeated(http));
    }
    if (!apiAnswer) {
      throw malformed(promql, signal, "the answer is not a Prometheus API JSON object; " + unrepeated(http));
    }
    if (!"success".equals(root.path("status").asText())) {
      throw malformed(promql, signal, "the answer's status is neither success nor error");
    }
    JsonNode data = root.get("data");
    if (data == null || !data.isObject() || !data.has("result")) {
      throw malformed(promql, signal, "the answer has no data.result");
    }
    return data;
  }

  private static Iterable<JsonNode> array(JsonNode node, String promql, Signal signal) throws MetricsUnavailableException {
    if (node == null || !node.isArray()) {
      throw malformed(promql, signal, "expected a JSON array, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return node;
  }

  private static String text(JsonNode data, String field, String promql, Signal signal) throws MetricsUnavailableException {
    JsonNode node = data.get(field);
    if (node == null || !node.isTextual()) {
      throw malformed(promql, signal, "the answer has no " + field);
    }
    return node.asText();
  }

  private static Map<String, String> labels(JsonNode metric, String promql, Signal signal) throws MetricsUnavailableException {
    if (metric == null || !metric.isObject()) {
      throw malformed(promql, signal, "a result has no metric labels object");
    }
    Map<String, String> labels = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = metric.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      labels.put(f.getKey(), f.getValue().asText());
    }
    return labels;
  }

  /** A value pair [unix seconds, "number"]: Prometheus writes numbers as strings, NaN and ±Inf included. */
  private static double number(JsonNode pair, int index, String promql, Signal signal) throws MetricsUnavailableException {
    if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(index).isTextual()) {
      throw malformed(promql, signal, "a sample is not a [time, \"value\"] pair");
    }
    String text = pair.get(index).asText();
    try {
      return switch (text) {
        case "NaN" -> Double.NaN;
        case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(text);
      };
    } catch (NumberFormatException e) {
      throw malformed(promql, signal, "a sample value is not a number");
    }
  }

  private static Instant timestamp(JsonNode pair, String promql, Signal signal) throws MetricsUnavailableException {
    if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(0).isNumber()) {
      throw malformed(promql, signal, "a sample has no numeric timestamp");
    }
    // Prometheus timestamps have millisecond precision.
    return Instant.ofEpochMilli(Math.round(pair.get(0).asDouble() * 1000));
  }

  static MetricsUnavailableException malformed(String promql, Signal signal, String detail) {
    return new MetricsUnavailableException(MetricsProblem.MALFORMED, signal, promql, detail);
  }

  private static String seconds(Instant t) {
    return String.format(Locale.ROOT, "%.3f", t.getEpochSecond() + t.getNano() / 1e9);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
  }

  private static String formBody(Map<String, String> form) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : new LinkedHashMap<>(form).entrySet()) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  private static String unrepeated(HttpAnswer http) {
    return "the answer (" + http.shape() + ") is not repeated here; the operator logs it at DEBUG";
  }

  private static String resultType(String type) {
    return RESULT_TYPES.contains(type) ? "result type " + type : "an unknown result type";
  }

  /** The media type of a Content-Type header if it looks like one, without its parameters. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "no content type";
    }
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return MEDIA_TYPE.matcher(type).matches() ? type : "an unreadable content type";
  }

  /** The start of a body on one line, control characters replaced, for the DEBUG log only. */
  private static String excerpt(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, LOGGED_BODY_BYTES), StandardCharsets.UTF_8);
    String flat = text.strip().replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?");
    return flat.isEmpty() ? "(empty body)" : body.length > LOGGED_BODY_BYTES ? flat + "…" : flat;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    Throwable cause = e.getCause();
    while ((message == null || message.isBlank()) && cause != null) {
      message = cause.getMessage();
      cause = cause.getCause();
    }
    return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }

  /** An SSL context that trusts exactly the certificates of a PEM bundle. */
  static SSLContext trusting(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Collection<? extends Certificate> certificates =
          factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("the Prometheus CA PEM holds no certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        store.setCertificateEntry("prometheus-ca-" + i++, c);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the Prometheus CA PEM is not a valid X.509 certificate (PEM, BEGIN CERTIFICATE): "
          + e.getMessage(), e);
    }
  }
}
