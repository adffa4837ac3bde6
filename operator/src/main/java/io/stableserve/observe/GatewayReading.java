package io.stableserve.observe;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What the gateway in front of the replicas says while no replica serves, and so no engine exports
 * a metric: the requests it holds ({@link Signal#GATEWAY_QUEUE}) and, when its request counter is
 * given as the arrivals query, the rate requests reach it.
 *
 * @param heldRequests requests held now
 * @param arrivalRate requests per second over the window, when read
 */
public record GatewayReading(double heldRequests, OptionalDouble arrivalRate) {
  public GatewayReading {
    if (!(heldRequests >= 0) || Double.isInfinite(heldRequests)) {
      throw new IllegalArgumentException("held requests must be a finite number >= 0, got " + heldRequests);
    }
    arrivalRate = Objects.requireNonNullElse(arrivalRate, OptionalDouble.empty());
  }
}
