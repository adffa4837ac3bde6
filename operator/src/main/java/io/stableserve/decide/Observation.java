package io.stableserve.decide;

import io.stableserve.solve.Capacity;
import java.util.Objects;

/** What the decide step knows about the load: a measurement, or why there is none. */
public sealed interface Observation {

  static Observation measured(ArrivalEstimate arrivals, Capacity capacity) {
    return new Measured(arrivals, capacity);
  }

  /**
   * No usable measurement.
   *
   * @param reason a machine reason in CamelCase (e.g. {@code PrometheusUnreachable}, {@code NoSeries})
   * @param message what went wrong, in words
   */
  static Observation unavailable(String reason, String message) {
    return new Unavailable(reason, message);
  }

  /**
   * The arrival rate and one replica's capacity (already corrected for observed preemption, if any).
   */
  record Measured(ArrivalEstimate arrivals, Capacity capacity) implements Observation {
    public Measured {
      Objects.requireNonNull(arrivals, "arrival estimate");
      Objects.requireNonNull(capacity, "capacity");
    }
  }

  record Unavailable(String reason, String message) implements Observation {
    public Unavailable {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("an unavailable observation needs a reason");
      }
      message = message == null ? "" : message;
    }
  }
}
