package io.stableserve.observe;

import java.util.Optional;

/**
 * The metrics a decision needs could not be read. Carries which {@link MetricsProblem} it was, the
 * signal and the PromQL concerned (where one was), and a message that ends with what to fix.
 *
 * <p>Checked on purpose: a caller must decide what to do without metrics (the operator holds the
 * current replica count), it cannot fall through to "zero load".
 */
public final class MetricsUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  private final MetricsProblem problem;
  private final transient Signal signal;
  private final String query;
  private final String explanation;

  public MetricsUnavailableException(MetricsProblem problem, Signal signal, String query, String detail) {
    this(problem, signal, query, detail, null);
  }

  public MetricsUnavailableException(MetricsProblem problem, Signal signal, String query, String detail, Throwable cause) {
    super(problem == null ? "metrics unavailable" : problem.reason() + ": " + explanation(problem, signal, query, detail), cause);
    if (problem == null) {
      throw new IllegalArgumentException("a metrics problem needs its kind");
    }
    this.problem = problem;
    this.signal = signal;
    this.query = query;
    this.explanation = explanation(problem, signal, query, detail);
  }

  /** The message without the leading reason, for callers that print the reason apart. */
  public String explanation() {
    return explanation;
  }

  public MetricsProblem problem() {
    return problem;
  }

  /** The signal whose query failed, if the failure belongs to one. */
  public Optional<Signal> signal() {
    return Optional.ofNullable(signal);
  }

  /** The PromQL that failed, if a query was sent. */
  public Optional<String> query() {
    return Optional.ofNullable(query);
  }

  private static String explanation(MetricsProblem problem, Signal signal, String query, String detail) {
    StringBuilder text = new StringBuilder();
    if (signal != null) {
      text.append(signal.description()).append(": ");
    }
    text.append(detail == null || detail.isBlank() ? "no detail" : detail);
    if (query != null) {
      text.append(" (query: ").append(query).append(')');
    }
    if (problem != null) {
      text.append("; ").append(problem.remedy());
    }
    return text.toString();
  }
}
