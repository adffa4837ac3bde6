package io.stableserve.observe.prometheus;

import io.stableserve.observe.Signal;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to read one service's metrics from Prometheus: the connection and the series.
 *
 * @param prometheusUrl the Prometheus base URL, e.g. {@code http://prometheus.monitoring:9090}
 *     (the client appends {@code /api/v1/query}); http or https
 * @param bearerToken sent as {@code Authorization: Bearer ...} when present
 * @param caCertificatePem PEM text of the CA certificate(s) that sign Prometheus's TLS certificate,
 *     trusted in addition to nothing else when present (the JDK's default trust store otherwise)
 * @param timeout the limit on each HTTP request to Prometheus
 * @param selector label matchers that pick the service's series, without braces, e.g.
 *     {@code model_name="meta-llama/Llama-3.1-8B", namespace="llm"}; braces given by a user are
 *     removed; empty means every vLLM series in that Prometheus
 * @param maxStaleness the newest sample of the service's series may be at most this old
 * @param overrides user PromQL per signal, replacing the built-in query (see {@link Signal})
 */
public record PrometheusSource(
    URI prometheusUrl,
    Optional<String> bearerToken,
    Optional<String> caCertificatePem,
    Duration timeout,
    String selector,
    Duration maxStaleness,
    Map<Signal, String> overrides) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(90);

  private static final String MATCHER = "[a-zA-Z_][a-zA-Z0-9_]*\\s*(=~|!~|!=|=)\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*";
  private static final java.util.regex.Pattern MATCHERS =
      java.util.regex.Pattern.compile(MATCHER + "(,\\s*" + MATCHER + ")*,?");

  public PrometheusSource {
    if (prometheusUrl == null) {
      throw new IllegalArgumentException("a Prometheus URL is needed, e.g. http://prometheus:9090");
    }
    String scheme = prometheusUrl.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || prometheusUrl.getHost() == null) {
      throw new IllegalArgumentException("Prometheus URL '" + prometheusUrl + "' must be an absolute http or https URL with a host");
    }
    bearerToken = bearerToken == null ? Optional.empty() : bearerToken.filter(t -> !t.isBlank()).map(String::strip);
    caCertificatePem = caCertificatePem == null ? Optional.empty() : caCertificatePem.filter(t -> !t.isBlank());
    timeout = positive("metrics timeout", timeout == null ? DEFAULT_TIMEOUT : timeout);
    selector = normalizeSelector(selector);
    maxStaleness = positive("maximum staleness", maxStaleness == null ? DEFAULT_MAX_STALENESS : maxStaleness);
    EnumMap<Signal, String> copy = new EnumMap<>(Signal.class);
    if (overrides != null) {
      overrides.forEach((signal, promql) -> {
        if (signal == null || promql == null || promql.isBlank()) {
          throw new IllegalArgumentException("a PromQL override needs a signal and a non-empty query, got " + signal + " = " + promql);
        }
        copy.put(signal, promql.strip());
      });
    }
    overrides = Map.copyOf(copy);
  }

  /** A source with the defaults: no token, the JDK's trust store, 10 s timeout, 90 s staleness. */
  public static PrometheusSource of(URI prometheusUrl, String selector) {
    return new PrometheusSource(prometheusUrl, Optional.empty(), Optional.empty(), null, selector, null, Map.of());
  }

  public PrometheusSource withTimeout(Duration newTimeout) {
    return new PrometheusSource(prometheusUrl, bearerToken, caCertificatePem, newTimeout, selector, maxStaleness, overrides);
  }

  public PrometheusSource withMaxStaleness(Duration newMaxStaleness) {
    return new PrometheusSource(prometheusUrl, bearerToken, caCertificatePem, timeout, selector, newMaxStaleness, overrides);
  }

  public PrometheusSource withBearerToken(String token) {
    return new PrometheusSource(prometheusUrl, Optional.ofNullable(token), caCertificatePem, timeout, selector, maxStaleness, overrides);
  }

  public PrometheusSource withCaCertificatePem(String pem) {
    return new PrometheusSource(prometheusUrl, bearerToken, Optional.ofNullable(pem), timeout, selector, maxStaleness, overrides);
  }

  public PrometheusSource withOverride(Signal signal, String promql) {
    EnumMap<Signal, String> more = new EnumMap<>(Signal.class);
    more.putAll(overrides);
    more.put(signal, promql);
    return new PrometheusSource(prometheusUrl, bearerToken, caCertificatePem, timeout, selector, maxStaleness, more);
  }

  /**
   * The same Prometheus with the series narrowed by more label matchers (one variant's among the
   * service's), and without the overrides: a service-wide query is not narrowed by them.
   */
  public PrometheusSource narrowedTo(String matchers) {
    String more = normalizeSelector(matchers);
    String base = selector.endsWith(",") ? selector.substring(0, selector.length() - 1) : selector;
    String narrowed = base.isEmpty() ? more : more.isEmpty() ? base : base + "," + more;
    return new PrometheusSource(prometheusUrl, bearerToken, caCertificatePem, timeout, narrowed, maxStaleness, Map.of());
  }

  public Optional<String> override(Signal signal) {
    return Optional.ofNullable(overrides.get(signal));
  }

  /** The selector in braces, ready to append to a metric name: {@code {model_name="x"}} or empty. */
  public String matchers() {
    return selector.isEmpty() ? "" : "{" + selector + "}";
  }

  /** A duration in Prometheus syntax, whole seconds or milliseconds: {@code 300s}, {@code 1500ms}. */
  public static String promDuration(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  private static Duration positive(String what, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
    return d;
  }

  private static String normalizeSelector(String raw) {
    if (raw == null) {
      return "";
    }
    String s = raw.strip();
    if (s.startsWith("{") && s.endsWith("}")) {
      s = s.substring(1, s.length() - 1).strip();
    }
    if (!s.isEmpty() && !MATCHERS.matcher(s).matches()) {
      throw new IllegalArgumentException("series selector '" + raw
          + "' must be label matchers such as model_name=\"x\",namespace=~\"llm-.*\", not a metric expression");
    }
    return s;
  }

  @Override
  public String toString() {
    return "PrometheusSource[" + prometheusUrl + ", selector {" + selector + "}"
        + ", token " + (bearerToken.isPresent() ? "set" : "none") + ", CA " + (caCertificatePem.isPresent() ? "custom" : "default")
        + ", overrides " + overrides.keySet() + "]";
  }
}
