package io.stableserve.observe.prometheus;

import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The two Prometheus API calls the observe stage makes; {@link PrometheusClient} is the HTTP one.
 * {@code timeout} bounds the whole answer, body included.
 */
public interface PrometheusApi {

  List<PrometheusClient.Sample> query(String promql, Instant time, Signal signal, Duration timeout)
      throws MetricsUnavailableException;

  List<PrometheusClient.Series> queryRange(String promql, Instant start, Instant end, Duration step, Signal signal,
      Duration timeout) throws MetricsUnavailableException;
}
