package io.stableserve.decide;

import io.stableserve.solve.Capacity;
import java.util.Objects;

/** What the decide step knows about the load: a measurement, or why there is none. */
public sealed interface LoadReading permits LoadReading.Measured, LoadReading.Idle, LoadReading.Unavailable {

  static LoadReading measured(ArrivalRate arrivals, Capacity capacity) {
    return new Measured(arrivals, capacity, Queueing.none());
  }

  static LoadReading measured(ArrivalRate arrivals, Capacity capacity, Queueing queueing) {
    return new Measured(arrivals, capacity, queueing);
  }

  /**
   * The metrics are there and say nothing arrived, nothing completed and nothing is in the system
   * over the window: one replica is enough (then the windows, limits and minimum apply). No
   * capacity is needed to know that, and none can be solved without requests.
   */
  static LoadReading idle() {
    return Idle.INSTANCE;
  }

  /**
   * No usable measurement.
   *
   * @param reason a machine reason in CamelCase (e.g. {@code PrometheusUnreachable}, {@code NoSeries})
   * @param message what went wrong, in words
   */
  static LoadReading unavailable(String reason, String message) {
    return new Unavailable(reason, message);
  }

  /**
   * The arrival rate and one replica's capacity (already corrected for observed preemption, if any).
   */
  record Measured(ArrivalRate arrivals, Capacity capacity, Queueing queueing) implements LoadReading {
    public Measured {
      Objects.requireNonNull(arrivals, "arrival estimate");
      Objects.requireNonNull(capacity, "capacity");
      Objects.requireNonNull(queueing, "queueing");
    }
  }

  /** See {@link LoadReading#idle()}. */
  final class Idle implements LoadReading {
    private static final Idle INSTANCE = new Idle();

    private Idle() {}

    @Override
    public String toString() {
      return "Idle";
    }
  }

  record Unavailable(String reason, String message) implements LoadReading {
    public Unavailable {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("an unavailable observation needs a reason");
      }
      message = message == null ? "" : message;
    }
  }
}
