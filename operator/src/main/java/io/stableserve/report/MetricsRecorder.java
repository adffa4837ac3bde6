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
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.stableserve.api.ConstraintStatus;
import io.stableserve.api.OperatorMetrics;
import io.stableserve.decide.Decision;
import io.stableserve.decide.StabilityVerdict;
import io.stableserve.pipeline.MixEvaluation;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.ConstraintRate;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Records the operator's own metrics under the names of {@link OperatorMetrics}: reconciliations
 * and their duration, and per InferenceService (labels {@code namespace}, {@code name}) the figures
 * it decided by.
 *
 * <p>A per-service series exists only while its figure is known: a figure the last decision did not
 * have (no metrics, no solved capacity) is removed, not left at its last value nor set to NaN. A
 * removed series goes stale in Prometheus at the next scrape, so graphs show a gap and
 * {@code absent()} sees it; a NaN would be a sample that poisons sums over services and never
 * crosses an alert threshold, and a kept value would claim a measurement that was not made.
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
  private final Gauge costPerHour;
  private final Gauge variantReplicas;
  private final Gauge variantDesired;
  private final Gauge variantStableRate;
  private final Gauge variantStalled;
  /** The gauges of each variant of a service with spec.variants, labelled namespace, name, variant. */
  private final List<Gauge> perVariant;
  /** Every metric labelled by service, namespace and name its first two labels. */
  private final List<StatefulMetric<?, ?>> perService;

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
    costPerHour = perService(OperatorMetrics.COST_PER_HOUR, "Cost per hour of the mix the last decision asked for (spec.variants)");
    variantReplicas = perVariant(OperatorMetrics.VARIANT_REPLICAS, "Replicas of the variant's target (spec) when it was read");
    variantDesired = perVariant(OperatorMetrics.VARIANT_DESIRED_REPLICAS, "Replicas of the variant in the mix the last decision asked for");
    variantStableRate = perVariant(OperatorMetrics.VARIANT_STABLE_RATE_PER_REPLICA,
        "Stable rate μ̂ of one replica of the variant, requests per second");
    variantStalled = perVariant(OperatorMetrics.VARIANT_STALLED,
        "1 while the variant is stalled (replicas asked for that do not become ready), else 0");
    perVariant = List.of(variantReplicas, variantDesired, variantStableRate, variantStalled);
    perService = List.of(arrivalRate, stableRate, constraintRate, bottleneck, utilization, targetUtilization, replicas,
        desired, stable, metricsAvailable, preemptionRate, decisions, costPerHour, variantReplicas, variantDesired,
        variantStableRate, variantStalled);
  }

  private Gauge perVariant(String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames(LABEL_NAMESPACE, LABEL_NAME, OperatorMetrics.LABEL_VARIANT)
        .register(registry);
  }

  /**
   * One pass of a service with spec.variants: the totals, λ̂ and ρ over the mix, its cost per hour,
   * and each variant's replicas, count asked for, μ̂_v and stall. The one-type figures (μ̂, the
   * constraints, the preemption rate) have no single value over a mix and are not exported.
   */
  public void mixDecided(String namespace, String name, MixEvaluation e) {
    boolean read = e.metricsFailure().isEmpty();
    replicas.labelValues(namespace, name).set(e.current().replicas());
    desired.labelValues(namespace, name).set(e.mix().replicas());
    metricsAvailable.labelValues(namespace, name).set(read ? 1 : 0);
    costPerHour.labelValues(namespace, name).set(e.costPerHour(e.mix()));
    setOrRemove(arrivalRate, namespace, name, read && e.estimate().isPresent()
        ? OptionalDouble.of(e.estimate().get().arrivalRate()) : OptionalDouble.empty());
    setOrRemove(utilization, namespace, name, read ? e.utilization(e.current()) : OptionalDouble.empty());
    for (Gauge oneType : List.of(stableRate, preemptionRate, stable)) {
      oneType.remove(namespace, name);
    }
    for (Gauge perConstraint : List.of(constraintRate, bottleneck)) {
      perConstraint.removeIf(labels -> of(labels, namespace, name));
    }
    Set<String> names = new HashSet<>();
    boolean grows = false;
    for (int v = 0; v < e.variants().size(); v++) {
      MixEvaluation.VariantCapacity variant = e.variants().get(v);
      names.add(variant.name());
      grows |= e.mix().count(v) > e.current().count(v);
      variantReplicas.labelValues(namespace, name, variant.name()).set(e.current().count(v));
      variantDesired.labelValues(namespace, name, variant.name()).set(e.mix().count(v));
      variantStalled.labelValues(namespace, name, variant.name()).set(e.stalls().get(v).stalled() ? 1 : 0);
      if (variant.stableRate().isPresent()) {
        variantStableRate.labelValues(namespace, name, variant.name()).set(variant.stableRate().getAsDouble());
      } else {
        variantStableRate.remove(namespace, name, variant.name());
      }
    }
    for (Gauge gauge : perVariant) {
      gauge.removeIf(labels -> of(labels, namespace, name) && !names.contains(labels.get(2)));
    }
    if (e.changes()) {
      decisions.labelValues(namespace, name, grows ? "up" : "down", e.reason()).inc();
    }
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
    costPerHour.remove(namespace, name);
    for (Gauge gauge : perVariant) {
      gauge.removeIf(labels -> of(labels, namespace, name));
    }
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
    setOrRemove(preemptionRate, namespace, name, preemptionsPerSecond);
    setOrRemove(arrivalRate, namespace, name, lambda);
    setOrRemove(stableRate, namespace, name, capacity == null ? OptionalDouble.empty() : OptionalDouble.of(capacity.stableRate()));
    setOrRemove(utilization, namespace, name, lambda.isPresent() && capacity != null && decision.currentReplicas() > 0
        ? OptionalDouble.of(lambda.getAsDouble() / (decision.currentReplicas() * capacity.stableRate()))
        : OptionalDouble.empty());
    Set<String> constraints = new HashSet<>();
    if (capacity != null) {
      String binding = ConstraintStatus.nameOf(capacity.bottleneck());
      for (ConstraintRate r : capacity.constraints()) {
        String c = ConstraintStatus.nameOf(r.constraint());
        constraints.add(c);
        constraintRate.labelValues(namespace, name, c).set(r.ratePerSecond());
        bottleneck.labelValues(namespace, name, c).set(c.equals(binding) ? 1 : 0);
      }
    }
    for (Gauge perConstraint : List.of(constraintRate, bottleneck)) {
      perConstraint.removeIf(labels -> of(labels, namespace, name) && !constraints.contains(labels.get(2)));
    }
  }

  /** Removes every series of the InferenceService {@code namespace/name}: it is gone. */
  public void forget(String namespace, String name) {
    for (StatefulMetric<?, ?> metric : perService) {
      metric.removeIf(labels -> of(labels, namespace, name));
    }
  }

  private static void setOrRemove(Gauge gauge, String namespace, String name, OptionalDouble value) {
    if (value.isPresent()) {
      gauge.labelValues(namespace, name).set(value.getAsDouble());
    } else {
      gauge.remove(namespace, name);
    }
  }

  private static boolean of(List<String> labels, String namespace, String name) {
    return labels.get(0).equals(namespace) && labels.get(1).equals(name);
  }
}
