package io.stableserve.api;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Condition types and reasons of an InferenceService. docs/operations.md explains each reason and
 * what to do about it; keep both in step.
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
  public static final String INVALID_SPEC = "InvalidSpec";

  // MetricsAvailable.
  public static final String METRICS_FOUND = "MetricsFound";
  public static final String PROMETHEUS_UNREACHABLE = "PrometheusUnreachable";
  public static final String PROMETHEUS_TIMEOUT = "PrometheusTimeout";
  public static final String PROMETHEUS_ERROR = "PrometheusError";
  public static final String UNAUTHORIZED = "Unauthorized";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String NO_DATA = "NoData";
  public static final String STALE_DATA = "StaleData";
  public static final String MALFORMED_DATA = "MalformedData";
  public static final String ENGINE_UNKNOWN = "EngineUnknown";

  // TargetResolved.
  public static final String TARGET_FOUND = "TargetFound";
  public static final String TARGET_NOT_FOUND = "TargetNotFound";
  public static final String TARGET_NOT_SCALABLE = "TargetNotScalable";
  public static final String CONFLICTING_AUTOSCALER = "ConflictingAutoscaler";
  public static final String FORBIDDEN = "Forbidden";

  // Stable.
  public static final String BELOW_INSTABILITY_BOUND = "BelowInstabilityBound";
  public static final String AT_OR_ABOVE_INSTABILITY_BOUND = "AtOrAboveInstabilityBound";
  public static final String PREEMPTING = "Preempting";

  // ScalingLimited.
  public static final String WITHIN_LIMITS = "WithinLimits";
  public static final String CLAMPED_BY_MAX = "ClampedByMax";
  public static final String CLAMPED_BY_MIN = "ClampedByMin";
  public static final String STEP_LIMITED = "StepLimited";
  public static final String STABILIZATION_WINDOW = "StabilizationWindow";
  public static final String REPLICAS_STARTING = "ReplicasStarting";

  // Any type, when the information to judge it is missing.
  public static final String WAITING_FOR_METRICS = "WaitingForMetrics";

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
