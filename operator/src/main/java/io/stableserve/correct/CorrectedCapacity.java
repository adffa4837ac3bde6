package io.stableserve.correct;

import io.stableserve.solve.Capacity;
import java.util.Objects;

/**
 * The capacity to scale by, and how it relates to the model's.
 *
 * @param capacity what one replica serves, every rate multiplied by {@code factor}
 * @param model the model's own capacity
 * @param factor corrected μ̂ / model μ (1 when uncorrected; at most 1)
 * @param source which rule produced it
 * @param explanation the rule and its figures, in words
 */
public record CorrectedCapacity(Capacity capacity, Capacity model, double factor, CapacitySource source, String explanation) {
  public CorrectedCapacity {
    Objects.requireNonNull(capacity, "capacity");
    Objects.requireNonNull(model, "model capacity");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(explanation, "explanation");
  }

  public boolean corrected() {
    return source != CapacitySource.MODEL;
  }
}
