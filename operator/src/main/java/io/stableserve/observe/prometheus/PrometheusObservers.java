package io.stableserve.observe.prometheus;

import io.stableserve.observe.Observer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One observer, and so one HTTP client, per Prometheus source: services that share a Prometheus
 * and a selector share a client; the least recently used of more than {@value #MAX_SOURCES} are dropped.
 */
public final class PrometheusObservers implements Function<PrometheusSource, Observer> {

  static final int MAX_SOURCES = 1024;

  private final Function<PrometheusSource, Observer> connect;
  private final Map<PrometheusSource, Observer> bySource = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PrometheusSource, Observer> eldest) {
      return size() > MAX_SOURCES;
    }
  };

  public PrometheusObservers() {
    this(PrometheusObserver::new);
  }

  /** @param connect makes the observer of a source (tests pass canned answers) */
  public PrometheusObservers(Function<PrometheusSource, Observer> connect) {
    this.connect = connect;
  }

  @Override
  public synchronized Observer apply(PrometheusSource source) {
    return bySource.computeIfAbsent(source, connect);
  }
}
