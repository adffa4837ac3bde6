package io.stableserve.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stableserve.testing.PrometheusServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What KEDA does with a ScaledObject of one Prometheus trigger, on loopback: every polling interval
 * it runs the trigger's query against the harness's real Prometheus, and the HPA KEDA makes for it
 * sets the Deployment's replicas through {@code /scale}, as the HPA controller does:
 * <ul>
 *   <li>{@code metricType: AverageValue} with threshold t: ⌈value / t⌉ replicas, unless
 *       value / (t · current) is within the tolerance of 1 (then the current count stays);</li>
 *   <li>clamped to {@code [minReplicaCount, maxReplicaCount]};</li>
 *   <li>{@code ignoreNullValues: false}: an empty answer is an error; after
 *       {@code fallback.failureThreshold} errors in a row the replicas are set to
 *       {@code fallback.replicas} until the query answers again.</li>
 * </ul>
 * Its settings are read from a ScaledObject (the sample's), its query pointed at this harness's
 * namespace. The HPA's stabilisation windows are left out: the sample sets them to 0.
 */
public final class SimulatedKeda implements AutoCloseable {

  /**
   * A ScaledObject's settings, as far as they shape the replicas.
   *
   * @param query the Prometheus trigger's query
   * @param threshold the trigger's AverageValue threshold
   * @param pollingSeconds {@code pollingInterval}
   * @param tolerance the HPA's tolerance (0.1 by default)
   */
  public record Settings(String query, double threshold, int minReplicas, int maxReplicas, int pollingSeconds,
      int fallbackAfter, int fallbackReplicas, double tolerance) {

    public Settings {
      Objects.requireNonNull(query, "query");
      if (!(threshold > 0) || minReplicas < 0 || maxReplicas < Math.max(1, minReplicas) || pollingSeconds < 1
          || fallbackAfter < 1 || !(tolerance >= 0 && tolerance < 1)) {
        throw new IllegalArgumentException("a ScaledObject needs threshold > 0, 0 <= minReplicaCount <= maxReplicaCount, "
            + "maxReplicaCount >= 1, pollingInterval >= 1 s, fallback.failureThreshold >= 1 and a tolerance in [0, 1)");
      }
    }

    /** The settings of a ScaledObject of one Prometheus trigger, with the HPA's {@code tolerance}. */
    public static Settings of(GenericKubernetesResource scaledObject, double tolerance) {
      Map<?, ?> spec = (Map<?, ?>) scaledObject.getAdditionalProperties().get("spec");
      List<?> triggers = (List<?>) spec.get("triggers");
      if (triggers == null || triggers.size() != 1 || !"prometheus".equals(((Map<?, ?>) triggers.get(0)).get("type"))) {
        throw new IllegalArgumentException("ScaledObject " + scaledObject.getMetadata().getName()
            + " must have exactly one trigger, of type prometheus");
      }
      Map<?, ?> trigger = (Map<?, ?>) triggers.get(0);
      if (!"AverageValue".equals(Objects.requireNonNullElse(trigger.get("metricType"), "AverageValue"))) {
        throw new IllegalArgumentException("only metricType AverageValue is simulated, got " + trigger.get("metricType"));
      }
      Map<?, ?> metadata = (Map<?, ?>) trigger.get("metadata");
      Map<?, ?> fallback = (Map<?, ?>) spec.get("fallback");
      return new Settings((String) metadata.get("query"), Double.parseDouble(String.valueOf(metadata.get("threshold"))),
          ((Number) spec.get("minReplicaCount")).intValue(), ((Number) spec.get("maxReplicaCount")).intValue(),
          ((Number) spec.get("pollingInterval")).intValue(), ((Number) fallback.get("failureThreshold")).intValue(),
          ((Number) fallback.get("replicas")).intValue(), tolerance);
    }
  }

  /** One write to /scale: when (seconds since start), from and to, and why. */
  public record Scale(double seconds, int from, int to, String why) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String deployment;
  private final PrometheusServer prometheus;
  private final Settings settings;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "simulated-keda");
    t.setDaemon(true);
    return t;
  });
  private final long started = System.nanoTime();
  private final List<Scale> scales = new ArrayList<>();
  private int failures;
  private volatile RuntimeException lastError;

  public SimulatedKeda(KubernetesClient client, String namespace, String deployment, PrometheusServer prometheus, Settings settings) {
    this.client = client;
    this.namespace = namespace;
    this.deployment = deployment;
    this.prometheus = prometheus;
    this.settings = settings;
    poller.scheduleWithFixedDelay(this::pollSafely, 0, settings.pollingSeconds(), TimeUnit.SECONDS);
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      lastError = e;
    }
  }

  /** One polling interval: query, propose, write /scale when the count changes. */
  synchronized void poll() {
    int current = currentReplicas();
    double value = prometheus.scalar(settings.query());
    int desired;
    String why;
    if (value < 0) {
      failures++;
      if (failures < settings.fallbackAfter()) {
        return;
      }
      desired = settings.fallbackReplicas();
      why = "fallback after " + failures + " empty answers";
    } else {
      failures = 0;
      double ratio = current == 0 ? Double.POSITIVE_INFINITY : value / (settings.threshold() * current);
      desired = Math.abs(ratio - 1) <= settings.tolerance() ? current : (int) Math.ceil(value / settings.threshold());
      desired = Math.max(settings.minReplicas(), Math.min(settings.maxReplicas(), desired));
      why = "query = " + value;
    }
    if (desired != current) {
      client.apps().deployments().inNamespace(namespace).withName(deployment).subresource("scale")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + desired + "}}");
      scales.add(new Scale((System.nanoTime() - started) / 1e9, current, desired, why));
    }
  }

  private int currentReplicas() {
    Integer replicas = client.apps().deployments().inNamespace(namespace).withName(deployment).get().getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  /** Every /scale write so far, oldest first. */
  public synchronized List<Scale> scales() {
    return List.copyOf(scales);
  }

  /** The last error of a poll (Prometheus or the API server unreachable), or null. */
  public RuntimeException lastError() {
    return lastError;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
