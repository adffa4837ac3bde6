package io.stableserve.report;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Events on an InferenceService, like {@code kubectl describe} shows them. */
public interface EventRecorder {

  String NORMAL = "Normal";
  String WARNING = "Warning";

  /**
   * @param type {@link #NORMAL} or {@link #WARNING}
   * @param reason a CamelCase reason of {@link io.stableserve.api.Conditions#EVENT_REASONS} or of a condition
   * @param message what happened, with from, to and why
   */
  void record(HasMetadata about, String type, String reason, String message);
}
