package io.stableserve.observe.prometheus;

import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.ObservationWindow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Observers and their HTTP clients are made once and reused. */
class PrometheusObserversTest {

  static final URI PROMETHEUS = URI.create("http://prometheus:9090");

  HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aSourceGetsTheSameObserverEveryTime() {
    PrometheusObservers observers = new PrometheusObservers();
    assertThat(observers.apply(PrometheusSource.of(PROMETHEUS, "model_name=\"a\"")))
        .isSameAs(observers.apply(PrometheusSource.of(PROMETHEUS, "model_name=\"a\"")))
        .isNotSameAs(observers.apply(PrometheusSource.of(PROMETHEUS, "model_name=\"b\"")));
  }

  @Test
  void sourcesOfOneEndpointShareOneHttpClientWhateverTheirSelectorsAndTokens() {
    PrometheusObservers observers = new PrometheusObservers();
    PrometheusSource a = PrometheusSource.of(PROMETHEUS, "model_name=\"a\"").withBearerToken("token-a");
    PrometheusSource b = PrometheusSource.of(PROMETHEUS, "model_name=\"b\"").withBearerToken("token-b");
    assertThat(observers.httpClient(a)).isSameAs(observers.httpClient(b))
        .isNotSameAs(observers.httpClient(PrometheusSource.of(URI.create("http://thanos:9090"), "model_name=\"a\"")))
        .isNotSameAs(observers.httpClient(a.withTimeout(Duration.ofSeconds(20))));
  }

  @Test
  void observesOfServicesOnOnePrometheusGoOverOneConnection() throws Exception {
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    byte[] empty = CannedPrometheus.vector().getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        clientPorts.add(exchange.getRemoteAddress().getPort());
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, empty.length);
        exchange.getResponseBody().write(empty);
      }
    });
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    PrometheusObservers observers = new PrometheusObservers();
    for (String model : List.of("a", "b", "a")) {
      // no series: each observe asks a few queries and fails as NoData
      assertThrows(MetricsUnavailableException.class,
          () -> observers.apply(PrometheusSource.of(url, "model_name=\"" + model + "\"")).observe(ObservationWindow.of(Duration.ofMinutes(5))));
    }
    assertThat(clientPorts).hasSize(1);
  }
}
