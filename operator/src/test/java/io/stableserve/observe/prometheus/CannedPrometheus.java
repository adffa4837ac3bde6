package io.stableserve.observe.prometheus;

import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Canned Prometheus API answers, as JSON text, chosen by the PromQL asked; every answer goes
 * through the same parsing as a real HTTP answer. Queries no rule matches get an empty vector (or
 * matrix), as Prometheus gives for series that do not exist. Rules are tried in order.
 */
final class CannedPrometheus implements PrometheusApi {

  private record Rule(Predicate<String> matches, int status, String body) {}

  private final List<Rule> instant = new ArrayList<>();
  private final List<Rule> range = new ArrayList<>();
  final List<String> asked = new ArrayList<>();
  /** The timeout each query was sent with, in the order asked. */
  final List<Duration> timeouts = new ArrayList<>();
  private Duration eachQueryTakes = Duration.ZERO;
  private long nanos;

  /** Each query moves {@link #nanoTime} on by {@code duration}, as a Prometheus that slow would. */
  CannedPrometheus eachQueryTaking(Duration duration) {
    eachQueryTakes = duration;
    return this;
  }

  /** A monotonic clock that only the queries move. */
  long nanoTime() {
    return nanos;
  }

  private void ask(String promql, Duration timeout) {
    asked.add(promql);
    timeouts.add(timeout);
    nanos += eachQueryTakes.toNanos();
  }

  CannedPrometheus answer(Predicate<String> query, String body) {
    instant.add(new Rule(query, 200, body));
    return this;
  }

  /** A rule tried before every rule given so far. */
  CannedPrometheus answerFirst(Predicate<String> query, String body) {
    return answerFirst(query, 200, body);
  }

  CannedPrometheus answerFirst(Predicate<String> query, int status, String body) {
    instant.add(0, new Rule(query, status, body));
    return this;
  }

  List<String> asked() {
    return asked;
  }

  CannedPrometheus answer(Predicate<String> query, int status, String body) {
    instant.add(new Rule(query, status, body));
    return this;
  }

  CannedPrometheus answerRange(Predicate<String> query, String body) {
    range.add(new Rule(query, 200, body));
    return this;
  }

  static Predicate<String> is(String promql) {
    return promql::equals;
  }

  static Predicate<String> startsWith(String prefix) {
    return q -> q.startsWith(prefix);
  }

  static Predicate<String> contains(String part) {
    return q -> q.contains(part);
  }

  @Override
  public List<PrometheusClient.Sample> query(String promql, Instant time, Signal signal, Duration timeout)
      throws MetricsUnavailableException {
    ask(promql, timeout);
    for (Rule r : instant) {
      if (r.matches().test(promql)) {
        return PrometheusClient.instantAnswer(r.status(), r.body(), promql, signal);
      }
    }
    return PrometheusClient.instantAnswer(200, vector(), promql, signal);
  }

  @Override
  public List<PrometheusClient.Series> queryRange(String promql, Instant start, Instant end, Duration step, Signal signal,
      Duration timeout) throws MetricsUnavailableException {
    ask(promql, timeout);
    for (Rule r : range) {
      if (r.matches().test(promql)) {
        return PrometheusClient.rangeAnswer(r.status(), r.body(), promql, signal);
      }
    }
    return PrometheusClient.rangeAnswer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", promql, signal);
  }

  /** A vector answer; each sample is labels then value. */
  @SafeVarargs
  static String vector(Map.Entry<Map<String, String>, Double>... samples) {
    String result = java.util.Arrays.stream(samples)
        .map(s -> "{\"metric\":" + labels(s.getKey()) + ",\"value\":[1700000000," + quote(s.getValue()) + "]}")
        .collect(Collectors.joining(","));
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + result + "]}}";
  }

  static String value(double v) {
    return vector(Map.entry(Map.of(), v));
  }

  /** One unlabelled series of a range query, from start every step seconds. */
  static String matrix(double startSeconds, double stepSeconds, double... values) {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        points.append(',');
      }
      points.append('[').append(String.format(Locale.ROOT, "%.3f", startSeconds + i * stepSeconds)).append(',')
          .append(quote(values[i])).append(']');
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[" + points + "]}]}}";
  }

  /** One series of a range answer, labelled {@code pod}, from start every step seconds; a null value is a missing point. */
  static String series(String pod, double startSeconds, double stepSeconds, Double... values) {
    List<String> points = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        points.add("[" + String.format(Locale.ROOT, "%.3f", startSeconds + i * stepSeconds) + "," + quote(values[i]) + "]");
      }
    }
    return "{\"metric\":{\"pod\":\"" + pod + "\"},\"values\":[" + String.join(",", points) + "]}";
  }

  /** A range answer of the given series. */
  static String matrixOf(String... series) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + String.join(",", series) + "]}}";
  }

  static String error(String type, String message) {
    return "{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\"" + message + "\"}";
  }

  static String names(String... metricNames) {
    String result = java.util.Arrays.stream(metricNames)
        .map(n -> "{\"metric\":{\"__name__\":\"" + n + "\"},\"value\":[1700000000,\"1\"]}")
        .collect(Collectors.joining(","));
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + result + "]}}";
  }

  private static String labels(Map<String, String> labels) {
    return labels.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue().replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String quote(double v) {
    if (Double.isNaN(v)) {
      return "\"NaN\"";
    }
    return "\"" + (Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v)) + "\"";
  }
}
