package io.stableserve.report;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stableserve.api.EngineRecommendation;
import io.stableserve.api.InferenceServiceStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * The Events of one reconciliation, emitted on changes only. Each is judged against the status the
 * service came with, so neither the next poll nor an operator restart repeats one: a condition that
 * turns False (or changes its reason), a new recommended count in Recommend mode, the start of a
 * scale-up's settle wait, the start of a preemption correction, new engine advice. A rescale,
 * written or refused, is always an Event.
 */
public final class ChangeEvents {

  /** Advice within this share of the value already announced is the same advice. */
  public static final double SAME_ADVICE = 0.25;

  private final EventRecorder recorder;
  private final HasMetadata about;
  private final InferenceServiceStatus previous;

  /** @param previous the status the service came with; null for a new service */
  public ChangeEvents(EventRecorder recorder, HasMetadata about, InferenceServiceStatus previous) {
    this.recorder = Objects.requireNonNull(recorder, "event recorder");
    this.about = Objects.requireNonNull(about, "resource");
    this.previous = previous;
  }

  /** Every time: what was done to the target. */
  public void always(String type, String reason, String message) {
    recorder.record(about, type, reason, message);
  }

  /** When condition {@code conditionType} was not already False for {@code conditionReason}. */
  public void whenConditionTurnsFalse(String conditionType, String conditionReason, String type, String reason, String message) {
    if (!conditionWas(conditionType, "False", conditionReason)) {
      recorder.record(about, type, reason, message);
    }
  }

  /** In Recommend mode: when the recommended count or its reason is not the last decision's. */
  public void whenRecommendationChanges(int desired, String reason, String message) {
    boolean same = previous != null && previous.getLastDecision() != null
        && Integer.valueOf(desired).equals(previous.getLastDecision().getTo())
        && reason.equals(previous.getLastDecision().getReason());
    if (!same) {
      recorder.record(about, EventRecorder.NORMAL, reason, message);
    }
  }

  /** Once per wait: why a scale-up the load asks for has not happened yet. */
  /** In Recommend mode, a mix recommended for the first time (or for a new reason). */
  public void whenMixRecommendationChanges(String mix, String reason, String message) {
    boolean same = previous != null && previous.getLastDecision() != null && mix.equals(previous.getMix())
        && reason.equals(previous.getLastDecision().getReason());
    if (!same) {
      recorder.record(about, EventRecorder.NORMAL, reason, message);
    }
  }

  public void whenSettlingBegins(String reason, String message) {
    if (previous == null || previous.getScaleUpSettlingSince() == null) {
      recorder.record(about, EventRecorder.NORMAL, reason, message);
    }
  }

  /** When the target reports its replicas refused, and did not report the same in the previous status. */
  public void whenTargetRefusalChanges(String refusal, String reason, String message) {
    if (previous == null || !refusal.equals(previous.getTargetRefusal())) {
      recorder.record(about, EventRecorder.WARNING, reason, message);
    }
  }

  /** When a correction is applied that was not remembered before. */
  public void whenCorrectionBegins(boolean wasCorrected, String reason, String message) {
    if (!wasCorrected) {
      recorder.record(about, EventRecorder.WARNING, reason, message);
    }
  }

  /** When the advice is not the one in status ({@link #sameAdvice}). */
  public void whenAdviceChanges(String setting, long value, String reason, String message) {
    if (!sameAdvice(previous == null ? null : previous.getEngineRecommendation(), setting, value)) {
      recorder.record(about, EventRecorder.NORMAL, reason, message);
    }
  }

  /**
   * Whether advice repeats the one in status: the same setting, a value within 25% of it. The search
   * runs on each window's workload estimate, so its optimum wanders (159 to 188 on a steady chat
   * load in the demo); an Event per wander would bury the ones that matter.
   */
  static boolean sameAdvice(EngineRecommendation before, String setting, long value) {
    return before != null && before.getValue() != null && before.getValue() > 0 && setting.equals(before.getSetting())
        && Math.abs(value - before.getValue()) <= SAME_ADVICE * before.getValue();
  }

  /**
   * Whether the status the service came with already said condition {@code type} False for this
   * reason and message at this generation: what is logged once per generation.
   */
  public boolean saidAlready(String type, String reason, String message, Long generation) {
    return previousCondition(type, "False", reason)
        .filter(c -> message.equals(c.getMessage()) && Objects.equals(generation, c.getObservedGeneration())).isPresent();
  }

  private boolean conditionWas(String type, String status, String reason) {
    return previousCondition(type, status, reason).isPresent();
  }

  private Optional<Condition> previousCondition(String type, String status, String reason) {
    if (previous == null) {
      return Optional.empty();
    }
    return previous.condition(type).filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()));
  }
}
