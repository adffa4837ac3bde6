package io.stableserve.report;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The operator's own metrics: reconciliations, their duration and errors, and per
 * InferenceService the figures it decided by (labels {@code namespace}, {@code name}).
 */
public final class OperatorMetrics {

  private final PrometheusRegistry registry;
  private final Counter reconciliations;
  private final Counter errors;
  private final Histogram duration;
  private final Gauge arrivalRate;
  private final Gauge stableRate;
  private final Gauge utilization;
  private final Gauge desired;
  private final Gauge current;
  private final Counter scalings;

  public OperatorMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    reconciliations = Counter.builder().name("stableserve_reconciliations_total")
        .help("Reconciliations of InferenceServices, by result (ok, held, unresolved, invalid, error)")
        .labelNames("result").register(registry);
    errors = Counter.builder().name("stableserve_reconcile_errors_total")
        .help("Reconciliations that ended in an exception").register(registry);
    duration = Histogram.builder().name("stableserve_reconcile_duration_seconds").unit(Unit.SECONDS)
        .help("Time one reconciliation took, Prometheus queries included").register(registry);
    arrivalRate = perService(Gauge.builder().name("stableserve_arrival_rate").help("Estimated arrival rate λ̂, requests per second"));
    stableRate = perService(Gauge.builder().name("stableserve_stable_rate_per_replica").help("Stable rate μ̂ of one replica, requests per second"));
    utilization = perService(Gauge.builder().name("stableserve_utilization").help("Utilisation ρ = λ̂ / (n·μ̂) at the current replicas"));
    desired = perService(Gauge.builder().name("stableserve_desired_replicas").help("Replicas the last decision asked for"));
    current = perService(Gauge.builder().name("stableserve_current_replicas").help("Replicas of the target (spec) when it was read"));
    scalings = Counter.builder().name("stableserve_scalings_total").help("Replica changes written to /scale, by direction")
        .labelNames("namespace", "name", "direction").register(registry);
  }

  private Gauge perService(Gauge.Builder builder) {
    return builder.labelNames("namespace", "name").register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void reconciled(String result, double seconds) {
    reconciliations.labelValues(result).inc();
    duration.observe(seconds);
  }

  public void failed(double seconds) {
    reconciliations.labelValues("error").inc();
    errors.inc();
    duration.observe(seconds);
  }

  public void decided(String namespace, String name, double lambda, double mu, int currentReplicas, int desiredReplicas) {
    arrivalRate.labelValues(namespace, name).set(lambda);
    stableRate.labelValues(namespace, name).set(mu);
    utilization.labelValues(namespace, name).set(currentReplicas > 0 ? lambda / (currentReplicas * mu) : Double.NaN);
    replicas(namespace, name, currentReplicas, desiredReplicas);
  }

  public void replicas(String namespace, String name, int currentReplicas, int desiredReplicas) {
    current.labelValues(namespace, name).set(currentReplicas);
    desired.labelValues(namespace, name).set(desiredReplicas);
  }

  public void scaled(String namespace, String name, int from, int to) {
    scalings.labelValues(namespace, name, to > from ? "up" : "down").inc();
  }

  /** Drops a deleted service's series. */
  public void forget(String namespace, String name) {
    for (Gauge g : new Gauge[] {arrivalRate, stableRate, utilization, desired, current}) {
      g.remove(namespace, name);
    }
  }
}
