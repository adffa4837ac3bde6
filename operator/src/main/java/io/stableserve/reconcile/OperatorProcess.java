package io.stableserve.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.report.HealthServer;
import io.stableserve.report.MetricsRecorder;
import java.io.IOException;

/**
 * The operator as a process runs it: the operator itself, {@code /metrics} on one port and
 * {@code /healthz}, {@code /readyz} on another. Port 0 picks a free port.
 */
public final class OperatorProcess implements AutoCloseable {

  private final StableServeOperator operator;
  private final HTTPServer metricsServer;
  private final HealthServer health;

  private OperatorProcess(StableServeOperator operator, HTTPServer metricsServer, HealthServer health) {
    this.operator = operator;
    this.metricsServer = metricsServer;
    this.health = health;
  }

  public static OperatorProcess start(KubernetesClient client, StableServeOperator.Settings settings, int metricsPort,
      int healthPort) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    StableServeOperator operator = StableServeOperator.start(client, new MetricsRecorder(registry), settings);
    HTTPServer metricsServer = null;
    try {
      metricsServer = HTTPServer.builder().port(metricsPort).registry(registry).buildAndStart();
      HealthServer health = HealthServer.start(healthPort, operator::alive, operator::ready);
      return new OperatorProcess(operator, metricsServer, health);
    } catch (IOException | RuntimeException e) {
      if (metricsServer != null) {
        metricsServer.close();
      }
      operator.close();
      throw e;
    }
  }

  public int metricsPort() {
    return metricsServer.getPort();
  }

  public int healthPort() {
    return health.port();
  }

  @Override
  public void close() {
    health.close();
    metricsServer.close();
    operator.close();
  }
}
