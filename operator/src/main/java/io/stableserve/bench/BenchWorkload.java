package io.stableserve.bench;

import io.stableserve.sim.arrivals.RequestSource;
import io.stableserve.workload.Workload;
import java.util.function.DoubleFunction;
import java.util.function.LongFunction;

/**
 * One workload of the benchmark: a request source (built afresh, from a seed, for every policy, so
 * that every policy sees the same requests) and how long it runs.
 *
 * @param name short name for the table
 * @param description what it is, with its rates
 * @param durationSeconds the load runs from 0 to this time; GPU-hours are counted over it
 * @param source a new source from a seed
 * @param lengthsAt the distribution request lengths are drawn from at a time (the same object for
 *     the same distribution), for the oracle's capacity
 */
public record BenchWorkload(String name, String description, double durationSeconds, LongFunction<RequestSource> source,
    DoubleFunction<Workload> lengthsAt) {

  public BenchWorkload {
    if (name == null || name.isBlank() || source == null || lengthsAt == null) {
      throw new IllegalArgumentException("a benchmark workload needs a name and a request source");
    }
    if (!(durationSeconds > 0)) {
      throw new IllegalArgumentException("a benchmark workload must last a positive time, got " + durationSeconds);
    }
  }
}
