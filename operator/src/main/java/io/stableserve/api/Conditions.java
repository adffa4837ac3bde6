package io.stableserve.api;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Condition types and reasons of an InferenceService. The reasons of the observe and decide stages
 * ({@code MetricsProblem}, {@code StabilityVerdict}, {@code ScalingLimit}, {@code DecisionReason})
 * are repeated here as constants, and a test keeps both in step; docs/operations.md explains each
 * reason and what to do about it.
 */
public final class Conditions {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  // Types.
  /** Metrics read, target resolved and a decision made (or applied) this round. */
  public static final String READY = "Ready";
  /** The signals the model needs could be read from Prometheus. */
  public static final String METRICS_AVAILABLE = "MetricsAvailable";
  /** The scale target exists, has /scale, and no other autoscaler drives it. */
  public static final String TARGET_RESOLVED = "TargetResolved";
  /** The arrival rate is below the instability bound of the current replicas. */
  public static final String STABLE = "Stable";
  /** The decision was clamped by replicas.min/max or a step limit. */
  public static final String SCALING_LIMITED = "ScalingLimited";

  public static final List<String> TYPES = List.of(READY, METRICS_AVAILABLE, TARGET_RESOLVED, STABLE, SCALING_LIMITED);

  // Ready.
  public static final String RECONCILED = "Reconciled";
  public static final String RECOMMENDING = "Recommending";
  /** Metric mode: the decision is exported as stableserve_desired_replicas for a KEDA ScaledObject or an HPA to apply. */
  public static final String EXPORTING_METRIC = "ExportingMetric";
  public static final String INVALID_SPEC = "InvalidSpec";
  /** A call to the API server failed in a way the reconcile could not handle; it is retried with back-off. */
  public static final String RECONCILE_ERROR = "ReconcileError";
  /** The target has 0 replicas, set by someone else: scaling is paused, as the HPA pauses. */
  public static final String SCALING_DISABLED = "ScalingDisabled";
  /** With replicas.min 0: idle long enough, the target was set to 0 (also a decision's reason). */
  public static final String SCALED_TO_ZERO = "ScaledToZero";
  /** At zero, and the gateway holds and receives nothing (also a decision's reason). */
  public static final String IDLE_AT_ZERO = "IdleAtZero";
  /** At zero, the gateway held requests: replicas were asked for (also a decision's reason). */
  public static final String WOKE_ON_HELD_REQUESTS = "WokeOnHeldRequests";

  // MetricsAvailable: the observe stage's MetricsProblem reasons, and the operator's own.
  public static final String METRICS_FOUND = "MetricsFound";
  public static final String PROMETHEUS_UNREACHABLE = "PrometheusUnreachable";
  public static final String PROMETHEUS_TIMEOUT = "PrometheusTimeout";
  public static final String PROMETHEUS_HTTP_ERROR = "PrometheusHttpError";
  public static final String QUERY_ERROR = "QueryError";
  public static final String NO_DATA = "NoData";
  public static final String STALE_METRICS = "StaleMetrics";
  public static final String PARTIAL_WINDOW = "PartialWindow";
  public static final String MALFORMED_METRICS = "MalformedMetrics";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String ENGINE_UNKNOWN = io.stableserve.pipeline.Evaluation.MetricsFailure.ENGINE_UNKNOWN;

  // TargetResolved.
  public static final String TARGET_FOUND = "TargetFound";
  public static final String TARGET_NOT_FOUND = "TargetNotFound";
  public static final String TARGET_NOT_SCALABLE = "TargetNotScalable";
  public static final String CONFLICTING_AUTOSCALER = "ConflictingAutoscaler";
  /** An older InferenceService already scales the same target. */
  public static final String TARGET_CLAIMED = "TargetClaimed";
  public static final String FORBIDDEN = "Forbidden";

  // Stable: the decide stage's StabilityVerdict reasons.
  public static final String BELOW_STABILITY_BOUND = "BelowStabilityBound";
  public static final String BETWEEN_BOUNDS = "BetweenBounds";
  public static final String ABOVE_INSTABILITY_BOUND = "AboveInstabilityBound";
  public static final String METRICS_UNAVAILABLE = "MetricsUnavailable";

  // ScalingLimited: the decide stage's ScalingLimit reasons.
  public static final String NOT_LIMITED = "NotLimited";
  public static final String TOO_FEW_REPLICAS = "TooFewReplicas";
  public static final String TOO_MANY_REPLICAS = "TooManyReplicas";
  public static final String SCALE_UP_LIMIT = "ScaleUpLimit";
  public static final String SCALE_DOWN_LIMIT = "ScaleDownLimit";

  // Decisions (status.lastDecision.reason and Events): the decide stage's DecisionReason reasons.
  public static final String LOAD_ABOVE_TARGET = "LoadAboveTarget";
  public static final String LOAD_BELOW_TARGET = "LoadBelowTarget";
  public static final String AT_TARGET = "AtTarget";
  public static final String WITHIN_MARGIN = "WithinMargin";
  public static final String SCALE_UP_SETTLING = "ScaleUpSettling";
  public static final String SCALE_DOWN_STABILIZATION = "ScaleDownStabilization";
  public static final String SCALE_UP_STABILIZATION = "ScaleUpStabilization";
  public static final String IDLE = "Idle";

  // Event reasons besides the decisions.
  /** The replica count was written to /scale (like the HPA's SuccessfulRescale). */
  public static final String SUCCESSFUL_RESCALE = "SuccessfulRescale";
  /** Writing /scale failed. */
  public static final String FAILED_RESCALE = "FailedRescale";
  /** The target's replicas changed without StableServe: GitOps re-applying replicas, a manual scale. */
  public static final String REPLICAS_CHANGED_ELSEWHERE = "ReplicasChangedElsewhere";
  /** An engine setting would widen the stable region by more than 5%. */
  public static final String ENGINE_RECOMMENDATION = "EngineRecommendation";
  /** Preemptions were observed and the stable rate corrected for them. */
  public static final String PREEMPTING = "Preempting";

  /** The reasons each condition type may carry; docs/operations.md explains every one. */
  public static final Map<String, List<String>> REASONS = reasons();

  private static Map<String, List<String>> reasons() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(READY, List.of(RECONCILED, RECOMMENDING, EXPORTING_METRIC, INVALID_SPEC, FAILED_RESCALE, RECONCILE_ERROR, SCALING_DISABLED,
        SCALED_TO_ZERO, IDLE_AT_ZERO, WOKE_ON_HELD_REQUESTS));
    m.put(METRICS_AVAILABLE, List.of(METRICS_FOUND, PROMETHEUS_UNREACHABLE, PROMETHEUS_TIMEOUT, PROMETHEUS_HTTP_ERROR,
        QUERY_ERROR, NO_DATA, STALE_METRICS, PARTIAL_WINDOW, MALFORMED_METRICS, SECRET_NOT_FOUND, ENGINE_UNKNOWN));
    m.put(TARGET_RESOLVED, List.of(TARGET_FOUND, TARGET_NOT_FOUND, TARGET_NOT_SCALABLE, CONFLICTING_AUTOSCALER, TARGET_CLAIMED,
        FORBIDDEN));
    m.put(STABLE, List.of(BELOW_STABILITY_BOUND, BETWEEN_BOUNDS, ABOVE_INSTABILITY_BOUND, METRICS_UNAVAILABLE));
    m.put(SCALING_LIMITED, List.of(NOT_LIMITED, TOO_FEW_REPLICAS, TOO_MANY_REPLICAS, SCALE_UP_LIMIT, SCALE_DOWN_LIMIT));
    return Collections.unmodifiableMap(m);
  }

  /** Reasons of decisions and Events. */
  public static final List<String> EVENT_REASONS = List.of(LOAD_ABOVE_TARGET, LOAD_BELOW_TARGET, AT_TARGET,
      WITHIN_MARGIN, SCALE_UP_SETTLING, SCALE_DOWN_STABILIZATION, SCALE_UP_STABILIZATION, IDLE, SCALED_TO_ZERO, IDLE_AT_ZERO,
      WOKE_ON_HELD_REQUESTS, METRICS_UNAVAILABLE, SUCCESSFUL_RESCALE, FAILED_RESCALE, REPLICAS_CHANGED_ELSEWHERE, ENGINE_RECOMMENDATION, PREEMPTING);

  private Conditions() {}

  /** A condition observed now at {@code generation}. */
  public static Condition of(String type, boolean status, String reason, String message, Long generation, Instant now) {
    return of(type, status ? TRUE : FALSE, reason, message, generation, now);
  }

  public static Condition of(String type, String status, String reason, String message, Long generation, Instant now) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(now.toString())
        .build();
  }

  /**
   * The conditions with {@code update} put in place of the one of its type. The last transition
   * time stays as it was when the status does not change, as Kubernetes conventions ask.
   */
  public static List<Condition> merge(List<Condition> conditions, Condition update) {
    List<Condition> out = new ArrayList<>(conditions == null ? List.of() : conditions);
    for (int i = 0; i < out.size(); i++) {
      Condition old = out.get(i);
      if (Objects.equals(old.getType(), update.getType())) {
        Condition merged = new ConditionBuilder(update).build();
        if (Objects.equals(old.getStatus(), update.getStatus()) && old.getLastTransitionTime() != null) {
          merged.setLastTransitionTime(old.getLastTransitionTime());
        }
        out.set(i, merged);
        return out;
      }
    }
    out.add(update);
    return out;
  }
}
