package io.stableserve.sim.arrivals;

/**
 * A stream of requests in time order, consumed by whoever drives the service: the simulated fleet,
 * the end-to-end load generator, the policy benchmark. Times are seconds from the stream's start.
 */
public interface RequestSource {

  /** Time of the next request, or +∞ when there are no more. */
  double nextTime();

  /** Takes the next request; its time is the {@link #nextTime()} before the call. */
  Arrival next();

  /** A short description for reports. */
  String describe();
}
