package io.stableserve.decide;

import io.stableserve.solve.Capacity;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/** What the decide step knows about the load: a measurement, or why there is none. */
public sealed interface LoadReading permits LoadReading.Measured, LoadReading.Idle, LoadReading.Held,
    LoadReading.Unavailable {

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
    return new Idle(Duration.ZERO, false);
  }

  /**
   * As {@link #idle()}, for the idle rule of a service that may go to zero.
   *
   * @param quietFor how long before now nothing happened: the window's length
   * @param heldRequestsRead whether a gateway's held requests were read and found 0; without them
   *     the service does not go to zero (nothing would see a request arrive)
   */
  static LoadReading idle(Duration quietFor, boolean heldRequestsRead) {
    return new Idle(quietFor, heldRequestsRead);
  }

  /**
   * No replica serves, so there is no engine metric: what the gateway in front of the replicas says.
   *
   * @param heldRequests requests the gateway holds now
   * @param arrivalRate requests per second reaching the gateway over the window, when its request
   *     counter is read
   */
  static LoadReading held(double heldRequests, OptionalDouble arrivalRate) {
    return new Held(heldRequests, arrivalRate);
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

  /** See {@link LoadReading#idle(Duration, boolean)}. */
  record Idle(Duration quietFor, boolean heldRequestsRead) implements LoadReading {
    public Idle {
      Objects.requireNonNull(quietFor, "idle time");
      if (quietFor.isNegative()) {
        throw new IllegalArgumentException("idle time must be >= 0, got " + quietFor);
      }
    }
  }

  /** See {@link LoadReading#held(double, OptionalDouble)}. */
  record Held(double heldRequests, OptionalDouble arrivalRate) implements LoadReading {
    public Held {
      if (!(heldRequests >= 0) || Double.isInfinite(heldRequests)) {
        throw new IllegalArgumentException("held requests must be a finite number >= 0, got " + heldRequests);
      }
      arrivalRate = Objects.requireNonNullElse(arrivalRate, OptionalDouble.empty());
      if (arrivalRate.isPresent() && !(arrivalRate.getAsDouble() >= 0 && Double.isFinite(arrivalRate.getAsDouble()))) {
        throw new IllegalArgumentException("arrival rate must be a finite number >= 0, got " + arrivalRate.getAsDouble());
      }
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
