package io.stableserve.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A loopback HTTP server that serves {@code /metrics} in the Prometheus text format, with a body
 * the test controls: a fixed text ({@link #set}) or one computed at each scrape (a supplier, so
 * counters can advance with time). Any other path answers 404. Close it to stop it.
 */
public final class MetricsEndpoint implements AutoCloseable {

  private final HttpServer server;
  private final AtomicReference<Supplier<String>> body;
  private final AtomicInteger scrapes = new AtomicInteger();

  private MetricsEndpoint(HttpServer server, AtomicReference<Supplier<String>> body) {
    this.server = server;
    this.body = body;
  }

  public static MetricsEndpoint start(Supplier<String> exposition) {
    AtomicReference<Supplier<String>> body = new AtomicReference<>(exposition);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      MetricsEndpoint endpoint = new MetricsEndpoint(server, body);
      server.createContext("/", exchange -> {
        try (exchange) {
          if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            exchange.sendResponseHeaders(404, -1);
            return;
          }
          byte[] bytes;
          try {
            bytes = body.get().get().getBytes(StandardCharsets.UTF_8);
          } catch (RuntimeException e) {
            byte[] error = e.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, error.length);
            exchange.getResponseBody().write(error);
            return;
          }
          endpoint.scrapes.incrementAndGet();
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        }
      });
      server.start();
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the metrics endpoint", e);
    }
  }

  public static MetricsEndpoint serving(String text) {
    return start(() -> text);
  }

  public void set(String text) {
    body.set(() -> text);
  }

  public void set(Supplier<String> exposition) {
    body.set(exposition);
  }

  /** {@code 127.0.0.1:port}, the scrape target. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many times {@code /metrics} has been served. */
  public int scrapes() {
    return scrapes.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
