package io.stableserve.observe.prometheus;

import io.stableserve.observe.Observer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One observer per Prometheus source, and one HTTP client (its connections and its selector
 * thread) per Prometheus endpoint: services that share a Prometheus share a client whatever their
 * selectors and tokens. Of more than {@value #MAX_SOURCES} sources or endpoints the least recently
 * used are dropped.
 */
public final class PrometheusObservers implements Function<PrometheusSource, Observer> {

  static final int MAX_SOURCES = 1024;

  /** What an HTTP client is made from; the bearer token is sent with each request, not kept in the client. */
  record Endpoint(URI prometheusUrl, Optional<String> caCertificatePem, Duration connectTimeout) {
    static Endpoint of(PrometheusSource source) {
      return new Endpoint(source.prometheusUrl(), source.caCertificatePem(), source.timeout());
    }
  }

  private final Function<PrometheusSource, Observer> connect;
  private final Map<PrometheusSource, Observer> bySource = leastRecentlyUsed();
  private final Map<Endpoint, HttpClient> byEndpoint = leastRecentlyUsed();

  public PrometheusObservers() {
    this.connect = source -> new PrometheusObserver(source, new PrometheusClient(source, httpClient(source)), Clock.systemUTC());
  }

  /** @param connect makes the observer of a source (tests pass canned answers) */
  public PrometheusObservers(Function<PrometheusSource, Observer> connect) {
    this.connect = connect;
  }

  @Override
  public synchronized Observer apply(PrometheusSource source) {
    return bySource.computeIfAbsent(source, connect);
  }

  /** The HTTP client of {@code source}'s endpoint, made for the first source that needs it. */
  synchronized HttpClient httpClient(PrometheusSource source) {
    return byEndpoint.computeIfAbsent(Endpoint.of(source), endpoint -> PrometheusClient.httpClient(source));
  }

  private static <K, V> Map<K, V> leastRecentlyUsed() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_SOURCES;
      }
    };
  }
}
