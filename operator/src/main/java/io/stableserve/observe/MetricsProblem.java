package io.stableserve.observe;

/**
 * Why the metrics of a service could not be read. Each kind is told apart because each has a
 * different fix, and none of them may be read as "no load": the operator holds the replica count
 * and reports the reason instead of scaling down.
 */
public enum MetricsProblem {
  /** The connection to Prometheus failed (DNS, refused, TLS handshake). */
  PROMETHEUS_UNREACHABLE("PrometheusUnreachable",
      "check the Prometheus URL, that Prometheus is running and reachable from here, and its CA certificate"),
  /** Prometheus did not answer within the configured timeout. */
  TIMEOUT("PrometheusTimeout",
      "raise the metrics timeout, shorten the window, or check that Prometheus is not overloaded"),
  /** Prometheus answered with an HTTP status other than 200 and no query error of its own (401, 403, 404, 5xx). */
  HTTP_ERROR("PrometheusHttpError",
      "check the URL path (it must be the Prometheus base URL, without /api/v1), the bearer token and its permissions"),
  /** Prometheus rejected the query (status "error", e.g. bad_data for a PromQL syntax error). */
  QUERY_ERROR("QueryError",
      "fix the series selector or the PromQL override that the message names"),
  /** The query ran but matched no series: the selector matches nothing, or the engine exports other names. */
  NO_DATA("NoData",
      "check the series selector (e.g. model_name=\"...\"), that Prometheus scrapes the vLLM pods, and the vLLM version's metric names"),
  /** Series exist but their newest sample is older than the allowed staleness: scraping stopped. */
  STALE("StaleMetrics",
      "check that Prometheus still scrapes the vLLM pods (targets page) and that the pods are up"),
  /**
   * Part of the window has no data: after a scrape or Prometheus outage, or for a service younger
   * than its window. Too little of it to size on.
   */
  PARTIAL_WINDOW("PartialWindow",
      "wait while the window fills; if it does not within one window, check that Prometheus scrapes the vLLM pods"),
  /** The answer was not what the Prometheus HTTP API returns (not JSON, wrong result type, a value that is not a number, or a value that makes no sense such as a negative rate). */
  MALFORMED("MalformedMetrics",
      "check that the URL points at Prometheus (not at a vLLM pod or a proxy page) and that the series are vLLM's");

  private final String reason;
  private final String remedy;

  MetricsProblem(String reason, String remedy) {
    this.reason = reason;
    this.remedy = remedy;
  }

  /** A CamelCase reason fit for a Kubernetes condition or Event. */
  public String reason() {
    return reason;
  }

  /** What a user should check or change. */
  public String remedy() {
    return remedy;
  }
}
