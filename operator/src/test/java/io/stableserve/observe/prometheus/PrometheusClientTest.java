package io.stableserve.observe.prometheus;

import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PrometheusClientTest {

  static final Duration TIMEOUT = PrometheusSource.DEFAULT_TIMEOUT;

  static MetricsUnavailableException failure(int status, String body) {
    return assertThrows(MetricsUnavailableException.class, () -> PrometheusClient.instantAnswer(status, body, "up", Signal.RUNNING));
  }

  @Nested
  class Answers {
    @Test
    void aVectorIsReadWithLabelsValuesAndTimes() throws Exception {
      String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
          + "{\"metric\":{\"le\":\"+Inf\",\"model_name\":\"m\"},\"value\":[1700000000.5,\"12.5\"]},"
          + "{\"metric\":{},\"value\":[1700000000.5,\"NaN\"]}]}}";
      List<PrometheusClient.Sample> samples = PrometheusClient.instantAnswer(200, body, "q", null);
      assertThat(samples).hasSize(2);
      assertThat(samples.get(0).labels()).containsEntry("le", "+Inf").containsEntry("model_name", "m");
      assertThat(samples.get(0).value()).isEqualTo(12.5);
      assertThat(samples.get(0).timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_500L));
      assertThat(samples.get(1).value()).isNaN();
    }

    @Test
    void aScalarIsOneUnlabelledSample() throws Exception {
      String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"3\"]}}";
      assertThat(PrometheusClient.instantAnswer(200, body, "scalar(1)", null)).singleElement()
          .satisfies(s -> assertThat(s.value()).isEqualTo(3));
    }

    @Test
    void anEmptyResultIsAnEmptyListNotAFailure() throws Exception {
      assertThat(PrometheusClient.instantAnswer(200, CannedPrometheus.vector(), "q", null)).isEmpty();
    }

    @Test
    void aMatrixIsReadPointByPoint() throws Exception {
      List<PrometheusClient.Series> series = PrometheusClient.rangeAnswer(200, CannedPrometheus.matrix(100, 10, 1, 2, 3), "q", null);
      assertThat(series).singleElement().satisfies(s -> {
        assertThat(s.points()).extracting(PrometheusClient.Point::value).containsExactly(1.0, 2.0, 3.0);
        assertThat(s.points().get(2).timestamp()).isEqualTo(Instant.ofEpochSecond(120));
      });
    }

    @Test
    void badDataIsAQueryError() {
      MetricsUnavailableException e = failure(400, CannedPrometheus.error("bad_data", "1:5: parse error: unexpected end of input"));
      assertThat(e.problem()).isEqualTo(MetricsProblem.QUERY_ERROR);
      assertThat(e.getMessage()).contains("(bad_data)").contains("(query: up)").contains("fix the series selector")
          .doesNotContain("parse error");
    }

    @Test
    void anExecutionErrorIsAQueryError() {
      assertThat(failure(422, CannedPrometheus.error("execution", "many-to-many matching not allowed")).problem())
          .isEqualTo(MetricsProblem.QUERY_ERROR);
    }

    @Test
    void aQueryTimeoutInsidePrometheusIsATimeout() {
      assertThat(failure(503, CannedPrometheus.error("timeout", "query timed out in expression evaluation")).problem())
          .isEqualTo(MetricsProblem.TIMEOUT);
    }

    @Test
    void anUnauthorisedAnswerIsAnHttpErrorThatNamesTheToken() {
      MetricsUnavailableException e = failure(401, "Unauthorized");
      assertThat(e.problem()).isEqualTo(MetricsProblem.HTTP_ERROR);
      assertThat(e.getMessage()).contains("HTTP 401").contains("bearer token");
    }

    @Test
    void aNotFoundAnswerSaysThereIsNoApiThere() {
      assertThat(failure(404, "404 page not found").getMessage()).contains("no Prometheus API at this URL");
    }

    @Test
    void htmlWithStatus200IsMalformed() {
      MetricsUnavailableException e = failure(200, "<html><body>Grafana</body></html>");
      assertThat(e.problem()).isEqualTo(MetricsProblem.MALFORMED);
      assertThat(e.getMessage()).contains("not a Prometheus API JSON object").contains("33 bytes")
          .doesNotContain("<html>").doesNotContain("Grafana");
    }

    @Test
    void aValueThatIsNotANumberIsMalformed() {
      String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"lots\"]}]}}";
      assertThat(failure(200, body).getMessage()).contains("is not a number").doesNotContain("lots");
    }

    @Test
    void anErrorPageIsDescribedByStatusAndLengthNotRepeated() {
      MetricsUnavailableException e = failure(502, "<html>upstream internal-db.corp:5432 refused</html>");
      assertThat(e.problem()).isEqualTo(MetricsProblem.HTTP_ERROR);
      assertThat(e.getMessage()).contains("HTTP 502").contains("51 bytes").contains("not repeated")
          .doesNotContain("internal-db").doesNotContain("refused");
    }

    @Test
    void prometheusErrorTextAndUnknownErrorTypesAreNotRepeated() {
      MetricsUnavailableException e = failure(500, CannedPrometheus.error("admin-password-hunter2", "root:x:0:0"));
      assertThat(e.problem()).isEqualTo(MetricsProblem.HTTP_ERROR);
      assertThat(e.getMessage()).contains("HTTP 500").contains("unknown type").doesNotContain("hunter2").doesNotContain("root:x");
    }

    @Test
    void aResultTypeOrStatusNotOfTheApiIsNotRepeated() {
      String oddType = "{\"status\":\"success\",\"data\":{\"resultType\":\"s3cr3t\",\"result\":[]}}";
      assertThat(failure(200, oddType).getMessage()).contains("unknown result type").doesNotContain("s3cr3t");
      assertThat(failure(200, "{\"status\":\"s3cr3t\",\"data\":{}}").getMessage()).contains("neither success nor error")
          .doesNotContain("s3cr3t");
    }

    @Test
    void onlyTheMediaTypeOfAContentTypeIsTold() {
      assertThat(PrometheusClient.mediaType("Text/HTML; charset=utf-8; session=abc123")).isEqualTo("text/html");
      assertThat(PrometheusClient.mediaType("<script>alert(1)</script>")).isEqualTo("an unreadable content type");
      assertThat(PrometheusClient.mediaType(null)).isEqualTo("no content type");
    }

    @Test
    void aStringResultIsMalformed() {
      String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"x\"]}}";
      assertThat(failure(200, body).problem()).isEqualTo(MetricsProblem.MALFORMED);
    }

    @Test
    void anAnswerWithoutDataIsMalformed() {
      assertThat(failure(200, "{\"status\":\"success\"}").getMessage()).contains("no data.result");
    }
  }

  @Nested
  class CappedBodies {
    final List<Long> requested = new ArrayList<>();
    boolean cancelled;

    PrometheusClient.CappedBody subscribed(int cap, long declaredLength) {
      PrometheusClient.CappedBody body = new PrometheusClient.CappedBody(cap, declaredLength);
      body.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          requested.add(n);
        }

        @Override
        public void cancel() {
          cancelled = true;
        }
      });
      return body;
    }

    @Test
    void aBodyWithinTheCapIsKeptWhole() {
      PrometheusClient.CappedBody body = subscribed(1000, -1);
      body.onNext(List.of(ByteBuffer.wrap(new byte[600]), ByteBuffer.wrap(new byte[400])));
      body.onComplete();
      assertThat(cancelled).isFalse();
      assertThat(body.getBody().toCompletableFuture().join()).hasValueSatisfying(b -> assertThat(b).hasSize(1000));
    }

    @Test
    void theFirstBytePastTheCapCancelsTheReadAndKeepsNothing() {
      PrometheusClient.CappedBody body = subscribed(1000, -1);
      body.onNext(List.of(ByteBuffer.wrap(new byte[600])));
      assertThat(cancelled).isFalse();
      ByteBuffer crossing = ByteBuffer.wrap(new byte[401]);
      body.onNext(List.of(crossing));
      body.onNext(List.of(ByteBuffer.wrap(new byte[600])));
      assertThat(cancelled).isTrue();
      assertThat(crossing.position()).as("the buffer that crosses the cap is not copied").isZero();
      assertThat(requested).as("no more asked for after the cap").containsExactly(1L, 1L);
      assertThat(body.getBody().toCompletableFuture().join()).isEmpty();
    }

    @Test
    void aDeclaredLengthPastTheCapIsRefusedBeforeAByteIsRead() {
      PrometheusClient.CappedBody body = subscribed(1000, 1001);
      assertThat(cancelled).isTrue();
      assertThat(requested).isEmpty();
      assertThat(body.getBody().toCompletableFuture().join()).isEmpty();
    }
  }

  @Nested
  class OverHttp {
    final List<HttpServer> servers = new ArrayList<>();
    final List<ServerSocket> sockets = new ArrayList<>();
    final AtomicReference<String> authorization = new AtomicReference<>();

    URI serve(HttpHandler handler) throws Exception {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", handler);
      server.start();
      servers.add(server);
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    URI serve(int status, String body, long delayMillis) throws Exception {
      return serve(exchange -> {
        try (exchange) {
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.getRequestBody().readAllBytes();
          if (delayMillis > 0) {
            Thread.sleep(delayMillis);
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }

    /** How one query to the Prometheus at {@code url} fails. */
    MetricsUnavailableException failureAt(URI url) {
      PrometheusClient client = new PrometheusClient(PrometheusSource.of(url, ""));
      return assertThrows(MetricsUnavailableException.class, () -> client.query("1", Instant.now(), null, TIMEOUT));
    }

    @AfterEach
    void stop() throws IOException {
      servers.forEach(server -> server.stop(0));
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }

    @Test
    void theBearerTokenIsSent() throws Exception {
      URI url = serve(200, CannedPrometheus.value(1), 0);
      PrometheusClient client = new PrometheusClient(PrometheusSource.of(url, "").withBearerToken("s3cret"));
      assertThat(client.query("1", Instant.now(), null, TIMEOUT)).hasSize(1);
      assertThat(authorization.get()).isEqualTo("Bearer s3cret");
    }

    @Test
    void aSlowPrometheusIsATimeoutAfterTheQuerysOwnTimeout() throws Exception {
      URI url = serve(200, CannedPrometheus.value(1), 2_000);
      PrometheusClient client = new PrometheusClient(PrometheusSource.of(url, "").withTimeout(Duration.ofSeconds(10)));
      MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class,
          () -> client.query("1", Instant.now(), null, Duration.ofMillis(300)));
      assertThat(e.problem()).isEqualTo(MetricsProblem.TIMEOUT);
      assertThat(e.getMessage()).contains("300 ms");
    }

    /** Sends the headers at once, then a space every {@code pauseMillis} until {@code spaces} are sent or the client has gone. */
    URI serveTrickle(long declaredLength, int spaces, long pauseMillis) throws Exception {
      return serve(exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, declaredLength);
          for (int i = 0; i < spaces; i++) {
            exchange.getResponseBody().write(' ');
            exchange.getResponseBody().flush();
            Thread.sleep(pauseMillis);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (IOException e) {
          // the client stopped reading
        }
      });
    }

    @Test
    void aBodyThatTricklesInIsATimeout() throws Exception {
      URI url = serveTrickle(0, 20, 100);
      PrometheusClient client = new PrometheusClient(PrometheusSource.of(url, ""));
      long started = System.nanoTime();
      MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class,
          () -> client.query("1", Instant.now(), null, Duration.ofMillis(300)));
      assertThat(e.problem()).isEqualTo(MetricsProblem.TIMEOUT);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_500));
    }

    /** Serves a valid answer padded with spaces to {@code length} bytes, chunked, without a Content-Length. */
    URI servePadded(int length) throws Exception {
      byte[] answer = CannedPrometheus.value(1).getBytes(StandardCharsets.UTF_8);
      return serve(exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, 0);
          byte[] spaces = new byte[64 * 1024];
          Arrays.fill(spaces, (byte) ' ');
          for (int left = length - answer.length; left > 0; left -= spaces.length) {
            exchange.getResponseBody().write(spaces, 0, Math.min(left, spaces.length));
          }
          exchange.getResponseBody().write(answer);
        } catch (IOException e) {
          // the client stopped reading
        }
      });
    }

    @Test
    void anAnswerOfExactlyTheCapIsRead() throws Exception {
      PrometheusClient client = new PrometheusClient(PrometheusSource.of(servePadded(PrometheusClient.MAX_ANSWER_BYTES), ""));
      assertThat(client.query("1", Instant.now(), null, TIMEOUT)).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1));
    }

    @Test
    void anAnswerPastTheCapIsMalformed() throws Exception {
      MetricsUnavailableException e = failureAt(servePadded(PrometheusClient.MAX_ANSWER_BYTES + 1));
      assertThat(e.problem()).isEqualTo(MetricsProblem.MALFORMED);
      assertThat(e.getMessage()).contains("larger than 16 MiB").contains("not read further");
    }

    @Test
    void aDeclaredLengthPastTheCapIsRefusedWithoutWaitingForTheBody() throws Exception {
      URI url = serveTrickle(PrometheusClient.MAX_ANSWER_BYTES + 1L, 60, 50);
      long started = System.nanoTime();
      MetricsUnavailableException e = failureAt(url);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      assertThat(e.problem()).isEqualTo(MetricsProblem.MALFORMED);
      assertThat(e.getMessage()).contains("larger than 16 MiB");
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
      URI url = serve(exchange -> exchange.close());
      servers.remove(0).stop(0);
      MetricsUnavailableException e = failureAt(url);
      assertThat(e.problem()).isEqualTo(MetricsProblem.PROMETHEUS_UNREACHABLE);
      assertThat(e.getMessage()).contains("cannot connect to " + url);
    }

    /** A TCP server on 127.0.0.1 that writes {@code reply} to the first connection, whatever it is sent, until the client closes it. */
    int sayingOnce(String reply) throws IOException {
      ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      sockets.add(listening);
      Thread answering = new Thread(() -> {
        try (Socket socket = listening.accept()) {
          socket.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
          // the client gave up
        }
      });
      answering.setDaemon(true);
      answering.start();
      return listening.getLocalPort();
    }

    @Test
    void tlsToAPlainHttpServerIsUnreachableNamingTls() throws Exception {
      URI url = URI.create("https://127.0.0.1:" + sayingOnce("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
      MetricsUnavailableException e = failureAt(url);
      assertThat(e.problem()).isEqualTo(MetricsProblem.PROMETHEUS_UNREACHABLE);
      assertThat(e.getMessage()).contains("TLS with " + url);
    }

    @Test
    void whatAServerThatIsNotHttpSaysIsNotRepeated() throws Exception {
      URI url = URI.create("http://127.0.0.1:" + sayingOnce("SSH-2.0-OpenSSH_9.6 internal-bastion\r\n"));
      MetricsUnavailableException e = failureAt(url);
      assertThat(e.problem()).isEqualTo(MetricsProblem.PROMETHEUS_UNREACHABLE);
      assertThat(e.getMessage()).contains("ProtocolException").doesNotContain("OpenSSH").doesNotContain("bastion");
    }

    @Test
    void aForbiddenAnswerIsAnHttpError() throws Exception {
      assertThat(failureAt(serve(403, "forbidden", 0)).problem()).isEqualTo(MetricsProblem.HTTP_ERROR);
    }

    @Test
    void aRedirectIsNotFollowedAndWhereItLeadsIsNotRepeated() throws Exception {
      AtomicInteger requestsElsewhere = new AtomicInteger();
      URI elsewhere = serve(exchange -> {
        try (exchange) {
          requestsElsewhere.incrementAndGet();
          exchange.sendResponseHeaders(500, -1);
        }
      });
      String location = elsewhere + "/internal/api/v1/query";
      URI url = serve(exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          byte[] page = ("<a href=\"" + location + "\">Moved here</a>").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Location", location);
          exchange.sendResponseHeaders(307, page.length);
          exchange.getResponseBody().write(page);
        }
      });
      PrometheusClient client = new PrometheusClient(PrometheusSource.of(url, "").withBearerToken("s3cret"));
      MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> client.query("1", Instant.now(), null, TIMEOUT));
      assertThat(e.problem()).isEqualTo(MetricsProblem.HTTP_ERROR);
      assertThat(e.getMessage()).contains("HTTP 307").contains("not followed").contains("set metrics.prometheusUrl to the final address")
          .doesNotContain(location).doesNotContain(":" + elsewhere.getPort()).doesNotContain("Moved here");
      assertThat(requestsElsewhere).hasValue(0);
    }

    @Test
    void anErrorAnswerIsToldByStatusMediaTypeAndLength() throws Exception {
      URI url = serve(exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          byte[] page = "<h1>Bad gateway</h1><p>backend 10.0.3.7 down</p>".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(502, page.length);
          exchange.getResponseBody().write(page);
        }
      });
      MetricsUnavailableException e = failureAt(url);
      assertThat(e.problem()).isEqualTo(MetricsProblem.HTTP_ERROR);
      assertThat(e.getMessage()).contains("HTTP 502").contains("(text/html, 48 bytes)").doesNotContain("10.0.3.7").doesNotContain("Bad gateway");
    }

    @Test
    void anInvalidCaCertificateIsRefusedWhenTheClientIsMade() {
      PrometheusSource config = PrometheusSource.of(URI.create("https://prometheus:9090"), "").withCaCertificatePem("not a certificate");
      assertThatThrownBy(() -> new PrometheusClient(config)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CA PEM");
    }
  }
}
