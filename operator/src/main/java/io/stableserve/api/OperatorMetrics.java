package io.stableserve.api;

import java.util.List;

/**
 * Names of the metrics the operator exports on its metrics port ({@code /metrics}, port 8080), as
 * Prometheus shows them. The Grafana dashboard under {@code deploy/monitoring/} uses only these
 * names, which a test checks; the operator registers them under these names.
 */
public final class OperatorMetrics {

  /** Label of per-service series: the InferenceService's namespace. */
  public static final String LABEL_NAMESPACE = "namespace";
  /** Label of per-service series: the InferenceService's name. */
  public static final String LABEL_NAME = "name";
  /** Label naming a constraint: Memory, Compute, TokenBudget or SequenceCap. */
  public static final String LABEL_CONSTRAINT = "constraint";
  /** Label of decisions: up or down. */
  public static final String LABEL_DIRECTION = "direction";
  /** Label of decisions and errors: a reason from {@link Conditions}. */
  public static final String LABEL_REASON = "reason";
  /** Label of reconciliations: success or error. */
  public static final String LABEL_RESULT = "result";
  /** Label of per-variant series: the variant's name in spec.variants. */
  public static final String LABEL_VARIANT = "variant";

  // The operator.
  /** Counter of reconciliations, by result. */
  public static final String RECONCILIATIONS = "stableserve_reconciliations_total";
  /** Histogram of reconciliation duration in seconds. */
  public static final String RECONCILE_DURATION = "stableserve_reconcile_duration_seconds";

  // Per InferenceService (labels namespace, name).
  /** Gauge: arrival rate λ of the service, requests per second. */
  public static final String ARRIVAL_RATE = "stableserve_arrival_rate";
  /** Gauge: stable rate μ of one replica, requests per second. */
  public static final String STABLE_RATE_PER_REPLICA = "stableserve_stable_rate_per_replica";
  /** Gauge: each constraint's stable rate per replica (label constraint). */
  public static final String CONSTRAINT_RATE = "stableserve_constraint_rate";
  /** Gauge: 1 for the binding constraint (label constraint), 0 for the others. */
  public static final String BOTTLENECK = "stableserve_bottleneck";
  /** Gauge: utilization ρ = λ / (n·μ) at the current replicas. */
  public static final String UTILIZATION = "stableserve_utilization";
  /** Gauge: the target utilization of the spec. */
  public static final String TARGET_UTILIZATION = "stableserve_target_utilization";
  /** Gauge: replicas of the target now. */
  public static final String REPLICAS = "stableserve_replicas";
  /** Gauge: replicas the last decision asked for. */
  public static final String DESIRED_REPLICAS = "stableserve_desired_replicas";
  /** Gauge: 1 when λ is below the instability bound of the current replicas, else 0. */
  public static final String STABLE = "stableserve_stable";
  /** Gauge: 1 when the metrics could be read, else 0. */
  public static final String METRICS_AVAILABLE = "stableserve_metrics_available";
  /** Gauge: preemptions per second observed, summed over replicas. */
  public static final String PREEMPTION_RATE = "stableserve_preemption_rate";
  /** Counter: replica changes decided, by direction and reason. */
  public static final String SCALING_DECISIONS = "stableserve_scaling_decisions_total";

  // Per InferenceService with spec.variants: the service's (labels namespace, name) and each
  // variant's (labels namespace, name, variant). The totals are REPLICAS and DESIRED_REPLICAS.
  /** Gauge: cost per hour of the mix the last decision asked for. */
  public static final String COST_PER_HOUR = "stableserve_cost_per_hour";
  /** Gauge: replicas of the variant's target now. */
  public static final String VARIANT_REPLICAS = "stableserve_variant_replicas";
  /** Gauge: replicas of the variant in the mix the last decision asked for. */
  public static final String VARIANT_DESIRED_REPLICAS = "stableserve_variant_desired_replicas";
  /** Gauge: stable rate μ_v of one replica of the variant, requests per second. */
  public static final String VARIANT_STABLE_RATE_PER_REPLICA = "stableserve_variant_stable_rate_per_replica";
  /** Gauge: 1 while the variant is stalled (replicas asked for that do not become ready), else 0. */
  public static final String VARIANT_STALLED = "stableserve_variant_stalled";

  /** What a service with spec.variants exports besides the totals. */
  public static final List<String> MIX = List.of(COST_PER_HOUR, VARIANT_REPLICAS, VARIANT_DESIRED_REPLICAS,
      VARIANT_STABLE_RATE_PER_REPLICA, VARIANT_STALLED);

  public static final List<String> ALL = List.of(RECONCILIATIONS, RECONCILE_DURATION, ARRIVAL_RATE,
      STABLE_RATE_PER_REPLICA, CONSTRAINT_RATE, BOTTLENECK, UTILIZATION, TARGET_UTILIZATION, REPLICAS,
      DESIRED_REPLICAS, STABLE, METRICS_AVAILABLE, PREEMPTION_RATE, SCALING_DECISIONS);

  private OperatorMetrics() {}
}
