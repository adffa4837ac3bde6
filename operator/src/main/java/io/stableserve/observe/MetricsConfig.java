package io.stableserve.observe;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to read one service's metrics.
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
 * @param window the estimation window: rates and histogram moments are averages over it
 * @param resolution the length of the sub-intervals the window is cut into for the standard error
 *     of the arrival rate, the burstiness and the step-time fit; at least two scrape intervals
 * @param maxStaleness the newest sample of the service's series may be at most this old
 * @param overrides user PromQL per signal, replacing the built-in query (see {@link Signal})
 */
public record MetricsConfig(
    URI prometheusUrl,
    Optional<String> bearerToken,
    Optional<String> caCertificatePem,
    Duration timeout,
    String selector,
    Duration window,
    Duration resolution,
    Duration maxStaleness,
    Map<Signal, String> overrides) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(90);
  /** The window is cut into this many sub-intervals unless a resolution is given. */
  public static final int DEFAULT_SUB_INTERVALS = 10;

  private static final String MATCHER = "[a-zA-Z_][a-zA-Z0-9_]*\\s*(=~|!~|!=|=)\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*";
  private static final java.util.regex.Pattern MATCHERS =
      java.util.regex.Pattern.compile(MATCHER + "(,\\s*" + MATCHER + ")*,?");

  public MetricsConfig {
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
    window = positive("estimation window", window == null ? DEFAULT_WINDOW : window);
    if (window.toSeconds() < 1) {
      throw new IllegalArgumentException("estimation window must be at least 1 s, got " + window);
    }
    resolution = resolution == null ? defaultResolution(window) : positive("resolution", resolution);
    if (resolution.compareTo(window) > 0) {
      throw new IllegalArgumentException("resolution " + resolution + " must not be longer than the window " + window);
    }
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

  /** A configuration with the defaults: no token, the JDK's trust store, 10 s timeout, 5 min window. */
  public static MetricsConfig of(URI prometheusUrl, String selector) {
    return new MetricsConfig(prometheusUrl, Optional.empty(), Optional.empty(), null, selector, null, null, null, Map.of());
  }

  public MetricsConfig withWindow(Duration newWindow) {
    return new MetricsConfig(prometheusUrl, bearerToken, caCertificatePem, timeout, selector, newWindow,
        resolution.equals(defaultResolution(window)) ? null : resolution, maxStaleness, overrides);
  }

  public MetricsConfig withResolution(Duration newResolution) {
    return new MetricsConfig(prometheusUrl, bearerToken, caCertificatePem, timeout, selector, window, newResolution, maxStaleness, overrides);
  }

  public MetricsConfig withTimeout(Duration newTimeout) {
    return new MetricsConfig(prometheusUrl, bearerToken, caCertificatePem, newTimeout, selector, window, resolution, maxStaleness, overrides);
  }

  public MetricsConfig withMaxStaleness(Duration newMaxStaleness) {
    return new MetricsConfig(prometheusUrl, bearerToken, caCertificatePem, timeout, selector, window, resolution, newMaxStaleness, overrides);
  }

  public MetricsConfig withBearerToken(String token) {
    return new MetricsConfig(prometheusUrl, Optional.ofNullable(token), caCertificatePem, timeout, selector, window, resolution, maxStaleness, overrides);
  }

  public MetricsConfig withCaCertificatePem(String pem) {
    return new MetricsConfig(prometheusUrl, bearerToken, Optional.ofNullable(pem), timeout, selector, window, resolution, maxStaleness, overrides);
  }

  public MetricsConfig withOverride(Signal signal, String promql) {
    EnumMap<Signal, String> more = new EnumMap<>(Signal.class);
    more.putAll(overrides);
    more.put(signal, promql);
    return new MetricsConfig(prometheusUrl, bearerToken, caCertificatePem, timeout, selector, window, resolution, maxStaleness, more);
  }

  public Optional<String> override(Signal signal) {
    return Optional.ofNullable(overrides.get(signal));
  }

  /** The selector in braces, ready to append to a metric name: {@code {model_name="x"}} or empty. */
  public String matchers() {
    return selector.isEmpty() ? "" : "{" + selector + "}";
  }

  static Duration defaultResolution(Duration window) {
    Duration r = window.dividedBy(DEFAULT_SUB_INTERVALS);
    return r.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : r;
  }

  /** A duration in Prometheus syntax, whole seconds or milliseconds: {@code 300s}, {@code 1500ms}. */
  public static String promDuration(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  /** Parses a Prometheus-style duration: {@code 300s}, {@code 5m}, {@code 1h}, {@code 1500ms}, {@code 1m30s}. */
  public static Duration parseDuration(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration; expected e.g. 30s, 5m or 1h");
    }
    java.util.regex.Matcher part = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(text.strip());
    Duration total = Duration.ZERO;
    int end = 0;
    while (part.find() && part.start() == end) {
      long n = Long.parseLong(part.group(1));
      total = total.plus(switch (part.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      end = part.end();
    }
    if (end == 0 || end != text.strip().length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; expected e.g. 30s, 5m, 1h or 1m30s");
    }
    return total;
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
    return "MetricsConfig[" + prometheusUrl + ", selector {" + selector + "}, window " + promDuration(window)
        + ", token " + (bearerToken.isPresent() ? "set" : "none") + ", CA " + (caCertificatePem.isPresent() ? "custom" : "default")
        + ", overrides " + overrides.keySet() + "]";
  }
}
