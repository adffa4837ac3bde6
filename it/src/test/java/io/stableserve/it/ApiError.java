package io.stableserve.it;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * One error of an API server's refusal: the field it names ({@code spec.replicas.max}; empty where the
 * refusal names none) and its message.
 */
public record ApiError(String field, String message) {

  /**
   * The note that the server adds when a schema error kept it from evaluating the CEL rules. It
   * names no field ({@code <nil>}) and is not an error of the resource itself.
   */
  public static final String RULES_NOT_CHECKED = "some validation rules were not checked";

  /** The errors of a refusal: its causes, else its message. */
  public static List<ApiError> of(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status == null) {
      return List.of(new ApiError("", e.getMessage()));
    }
    List<StatusCause> causes = status.getDetails() == null ? List.of() : status.getDetails().getCauses();
    if (causes == null || causes.isEmpty()) {
      return List.of(new ApiError("", status.getMessage()));
    }
    return causes.stream()
        .map(c -> new ApiError(c.getField() == null || c.getField().equals("<nil>") ? "" : c.getField(), c.getMessage()))
        .toList();
  }

  /** Whether this is the note that some rules were not checked. */
  public boolean rulesNotChecked() {
    return field.isEmpty() && message.contains(RULES_NOT_CHECKED);
  }

  @Override
  public String toString() {
    return field.isEmpty() ? message : field + ": " + message;
  }
}
