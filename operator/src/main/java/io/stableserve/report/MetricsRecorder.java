package io.stableserve.report;

import static io.stableserve.api.OperatorMetrics.LABEL_CONSTRAINT;
import static io.stableserve.api.OperatorMetrics.LABEL_DIRECTION;
import static io.stableserve.api.OperatorMetrics.LABEL_NAME;
import static io.stableserve.api.OperatorMetrics.LABEL_NAMESPACE;
import static io.stableserve.api.OperatorMetrics.LABEL_REASON;
import static io.stableserve.api.OperatorMetrics.LABEL_RESULT;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.stableserve.api.ConstraintStatus;
import io.stableserve.api.OperatorMetrics;
import io.stableserve.decide.Decision;
import io.stableserve.decide.StabilityVerdict;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.ConstraintRate;
import java.util.OptionalDouble;

/**
 * Records the operator's own metrics under the names of {@link OperatorMetrics}: reconciliations
 * and their duration, and per InferenceService (labels {@code namespace}, {@code name}) the figures
 * it decided by.
 */
public final class MetricsRecorder {

  public static final String SUCCESS = "success";
  public static final String ERROR = "error";

  private final PrometheusRegistry registry;
  private final Counter reconciliations;
  private final Histogram duration;
  private final Gauge arrivalRate;
  private final Gauge stableRate;
  private final Gauge constraintRate;
  private final Gauge bottleneck;
  private final Gauge utilization;
  private final Gauge targetUtilization;
  private final Gauge replicas;
  private final Gauge desired;
  private final Gauge stable;
  private final Gauge metricsAvailable;
  private final Gauge preemptionRate;
  private final Counter decisions;

  public MetricsRecorder(PrometheusRegistry registry) {
    this.registry = registry;
    reconciliations = Counter.builder().name(OperatorMetrics.RECONCILIATIONS)
        .help("Reconciliations of InferenceServices, by result (success, error)").labelNames(LABEL_RESULT).register(registry);
    duration = Histogram.builder().name(OperatorMetrics.RECONCILE_DURATION).unit(Unit.SECONDS)
        .help("Time one reconciliation took, Prometheus queries included").register(registry);
    arrivalRate = perService(OperatorMetrics.ARRIVAL_RATE, "Estimated arrival rate λ̂ of the service, requests per second");
    stableRate = perService(OperatorMetrics.STABLE_RATE_PER_REPLICA, "Stable rate μ̂ of one replica (after any preemption correction), requests per second");
    constraintRate = Gauge.builder().name(OperatorMetrics.CONSTRAINT_RATE).help("Each constraint's stable rate per replica, requests per second")
        .labelNames(LABEL_NAMESPACE, LABEL_NAME, LABEL_CONSTRAINT).register(registry);
    bottleneck = Gauge.builder().name(OperatorMetrics.BOTTLENECK).help("1 for the binding constraint, 0 for the others")
        .labelNames(LABEL_NAMESPACE, LABEL_NAME, LABEL_CONSTRAINT).register(registry);
    utilization = perService(OperatorMetrics.UTILIZATION, "Utilisation ρ = λ̂ / (n·μ̂) at the current replicas");
    targetUtilization = perService(OperatorMetrics.TARGET_UTILIZATION, "Target utilisation ρ of the spec");
    replicas = perService(OperatorMetrics.REPLICAS, "Replicas of the target (spec) when it was read");
    desired = perService(OperatorMetrics.DESIRED_REPLICAS, "Replicas the last decision asked for");
    stable = perService(OperatorMetrics.STABLE, "1 when λ̂ is below the instability bound of the ready replicas, else 0");
    metricsAvailable = perService(OperatorMetrics.METRICS_AVAILABLE, "1 when the metrics could be read, else 0");
    preemptionRate = perService(OperatorMetrics.PREEMPTION_RATE, "Preemptions per second over the window, summed over replicas");
    decisions = Counter.builder().name(OperatorMetrics.SCALING_DECISIONS).help("Replica changes decided, by direction and reason")
        .labelNames(LABEL_NAMESPACE, LABEL_NAME, LABEL_DIRECTION, LABEL_REASON).register(registry);
  }

  private Gauge perService(String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames(LABEL_NAMESPACE, LABEL_NAME).register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void reconciled(boolean success, double seconds) {
    reconciliations.labelValues(success ? SUCCESS : ERROR).inc();
    duration.observe(seconds);
  }

  /**
   * One decision and what it rested on.
   *
   * @param metricsRead whether the metrics could be read and used
   * @param lambda λ̂, when measured
   * @param capacity the capacity decided by, when solved
   * @param preemptionsPerSecond when observed
   */
  public void decided(String namespace, String name, double targetRho, Decision decision, boolean metricsRead,
      OptionalDouble lambda, Capacity capacity, OptionalDouble preemptionsPerSecond) {
    targetUtilization.labelValues(namespace, name).set(targetRho);
    replicas.labelValues(namespace, name).set(decision.currentReplicas());
    desired.labelValues(namespace, name).set(decision.desiredReplicas());
    metricsAvailable.labelValues(namespace, name).set(metricsRead ? 1 : 0);
    if (decision.stability() == StabilityVerdict.UNKNOWN) {
      stable.remove(namespace, name);
    } else {
      stable.labelValues(namespace, name).set(decision.stability() == StabilityVerdict.UNSTABLE ? 0 : 1);
    }
    if (decision.scales()) {
      decisions.labelValues(namespace, name, decision.scalesUp() ? "up" : "down", decision.reason().machineName()).inc();
    }
    preemptionsPerSecond.ifPresent(p -> preemptionRate.labelValues(namespace, name).set(p));
    lambda.ifPresent(l -> arrivalRate.labelValues(namespace, name).set(l));
    if (lambda.isEmpty() || capacity == null) {
      return;
    }
    double l = lambda.getAsDouble();
    stableRate.labelValues(namespace, name).set(capacity.stableRate());
    if (decision.currentReplicas() > 0) {
      utilization.labelValues(namespace, name).set(l / (decision.currentReplicas() * capacity.stableRate()));
    } else {
      utilization.remove(namespace, name);
    }
    String binding = ConstraintStatus.nameOf(capacity.bottleneck());
    for (ConstraintRate r : capacity.constraints()) {
      String c = ConstraintStatus.nameOf(r.constraint());
      constraintRate.labelValues(namespace, name, c).set(r.ratePerSecond());
      bottleneck.labelValues(namespace, name, c).set(c.equals(binding) ? 1 : 0);
    }
  }
}
