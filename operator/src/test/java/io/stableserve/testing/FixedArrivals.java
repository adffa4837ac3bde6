package io.stableserve.testing;

import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.RequestSource;
import java.util.ArrayDeque;

/** Requests at given times, each of 100 prompt tokens and 3 output tokens: a load worked out by hand. */
public final class FixedArrivals {

  private FixedArrivals() {}

  public static RequestSource at(double... times) {
    ArrayDeque<Arrival> queue = new ArrayDeque<>();
    for (double t : times) {
      queue.add(new Arrival(t, 100, 3));
    }
    return new RequestSource() {
      @Override
      public double nextTime() {
        return queue.isEmpty() ? Double.POSITIVE_INFINITY : queue.peek().time();
      }

      @Override
      public Arrival next() {
        return queue.poll();
      }

      @Override
      public String describe() {
        return "fixed";
      }
    };
  }
}
