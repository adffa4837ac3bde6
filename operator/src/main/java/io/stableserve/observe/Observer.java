package io.stableserve.observe;

/** Reads one service's signals over the configured window. The only stage that does I/O before actuation. */
@FunctionalInterface
public interface Observer {

  /**
   * @throws MetricsUnavailableException when Prometheus cannot be reached, times out, rejects a
   *     query, has no data for a required signal (completions, running, waiting), has only stale
   *     data, or answers something that is not a Prometheus answer
   */
  Observation observe(MetricsConfig config) throws MetricsUnavailableException;
}
