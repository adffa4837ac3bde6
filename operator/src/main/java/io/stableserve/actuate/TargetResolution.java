package io.stableserve.actuate;

import java.util.Objects;

/** A scale target that could be used, or why it cannot. */
public sealed interface TargetResolution {

  /** The target can be scaled. */
  record Resolved(ScaleTarget target) implements TargetResolution {
    public Resolved {
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * The target cannot be scaled now.
   *
   * @param reason a {@code TargetResolved} condition reason of {@link io.stableserve.api.Conditions}
   * @param message what is wrong and what to do
   */
  record Unresolved(String reason, String message) implements TargetResolution {
    public Unresolved {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
