package io.stableserve.api;

import io.stableserve.settings.Defaults;
import io.stableserve.settings.DurationBounds;
import io.stableserve.settings.Durations;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.Duration;

/** Where and how the service's metrics are read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.caSecretRef) || self.prometheusUrl.startsWith('https://')",
    message = "metrics.caSecretRef needs an https:// metrics.prometheusUrl")
public class MetricsSpec {

  /** PromQL label matchers: {@code name="value"}, {@code name!="value"}, {@code name=~"re"}, {@code name!~"re"}, comma-separated. */
  public static final String SELECTOR_PATTERN =
      "^\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*(=|!=|=~|!~)\\s*\"([^\"\\\\]|\\\\.)*\"\\s*"
          + "(,\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*(=|!=|=~|!~)\\s*\"([^\"\\\\]|\\\\.)*\"\\s*)*,?\\s*$";

  @Required
  @Size(max = 2048)
  @ValidationRule(value = "self.matches(r'^https?://[^\\s/?#]+(/[^\\s?#]*)?$')",
      message = "must be an http:// or https:// URL such as http://prometheus.monitoring:9090")
  @JsonPropertyDescription("Base URL of the Prometheus HTTP API, e.g. http://prometheus-operated.monitoring:9090 "
      + "(the operator appends /api/v1/query).")
  private String prometheusUrl;

  @JsonPropertyDescription("Secret key holding a bearer token sent as 'Authorization: Bearer <token>' "
      + "(e.g. for a Prometheus behind an OAuth proxy, Thanos or a managed service).")
  private SecretKeyRef bearerTokenSecretRef;

  @JsonPropertyDescription("Secret key holding the PEM CA bundle that signs Prometheus' TLS certificate. "
      + "Needs an https URL.")
  private SecretKeyRef caSecretRef;

  @Default(Defaults.METRICS_TIMEOUT)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.TIMEOUT_RULE, message = DurationBounds.TIMEOUT_MESSAGE)
  @JsonPropertyDescription("Timeout of one Prometheus query, a duration such as 10s, 1s to 1m. Default 10s.")
  private String timeout = Defaults.METRICS_TIMEOUT;

  @Required
  @Size(max = 2048)
  @ValidationRule(value = "self.matches(r'" + SELECTOR_PATTERN + "')",
      message = "must be PromQL label matchers such as namespace=\"llm\",model_name=\"llama\" (values in double quotes)")
  @JsonPropertyDescription("PromQL label matchers that select this service's series, e.g. "
      + "namespace=\"llm\",model_name=\"meta-llama/Llama-3.1-8B-Instruct\". Put into every query's braces.")
  private String selector;

  @Default(Defaults.WINDOW)
  @Size(max = Durations.MAX_LENGTH)
  @ValidationRule(value = Durations.RULE, message = Durations.MESSAGE)
  @ValidationRule(value = DurationBounds.WINDOW_RULE, message = DurationBounds.WINDOW_MESSAGE)
  @JsonPropertyDescription("Estimation window for rates and moments, a duration such as 5m. Longer is steadier, "
      + "shorter reacts faster. 10s to 1h. Default 5m.")
  private String window = Defaults.WINDOW;

  @JsonPropertyDescription("PromQL that replaces the built-in query of a signal, e.g. arrivals from a gateway counter.")
  private MetricQueries queries;

  public Duration timeoutDuration() {
    return Durations.parse(timeout == null ? Defaults.METRICS_TIMEOUT : timeout, "metrics.timeout", DurationBounds.TIMEOUT_MIN, DurationBounds.TIMEOUT_MAX);
  }

  public Duration windowDuration() {
    return Durations.parse(window == null ? Defaults.WINDOW : window, "metrics.window", DurationBounds.WINDOW_MIN, DurationBounds.WINDOW_MAX);
  }

  /** The query overrides; empty where the spec gives none. */
  public MetricQueries effectiveQueries() {
    return queries == null ? new MetricQueries() : queries;
  }

  public String getPrometheusUrl() {
    return prometheusUrl;
  }

  public void setPrometheusUrl(String prometheusUrl) {
    this.prometheusUrl = prometheusUrl;
  }

  public SecretKeyRef getBearerTokenSecretRef() {
    return bearerTokenSecretRef;
  }

  public void setBearerTokenSecretRef(SecretKeyRef bearerTokenSecretRef) {
    this.bearerTokenSecretRef = bearerTokenSecretRef;
  }

  public SecretKeyRef getCaSecretRef() {
    return caSecretRef;
  }

  public void setCaSecretRef(SecretKeyRef caSecretRef) {
    this.caSecretRef = caSecretRef;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public MetricQueries getQueries() {
    return queries;
  }

  public void setQueries(MetricQueries queries) {
    this.queries = queries;
  }
}
