package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.RequestSource;

/**
 * The oracle's plan: it knows the future. For each interval (default 60 s) it counts the requests
 * that will arrive in it, A, and sets n = ⌈A / (Δt · μ)⌉ (at least 1, no headroom), with μ one
 * replica's empirical stable rate for the lengths drawn in that interval ({@link EmpiricalCapacity}:
 * the simulator's own boundary, not the model StableServe uses). Σ n·Δt is the GPU-hours of a fleet
 * that just keeps up with each minute's load, with replicas that cost nothing to start; the
 * benchmark's bound ({@link SloBound}) scales this plan until it meets the SLO, asking for each
 * replica a start-up delay ahead and paying for it.
 */
public final class Oracle {

  public static final double DEFAULT_INTERVAL_SECONDS = 60;

  private final int[] schedule;
  private final double intervalSeconds;

  private Oracle(int[] schedule, double intervalSeconds) {
    this.schedule = schedule;
    this.intervalSeconds = intervalSeconds;
  }

  /** A plan given by hand: the replicas of each interval. */
  public static Oracle of(int[] schedule, double intervalSeconds) {
    if (schedule.length == 0 || !(intervalSeconds > 0)) {
      throw new IllegalArgumentException("a plan needs at least one interval of positive length");
    }
    return new Oracle(schedule.clone(), intervalSeconds);
  }

  /** Plans the oracle's replicas for a workload, from the requests its source will produce with this seed. */
  public static Oracle plan(BenchWorkload workload, long seed, EmpiricalCapacity capacity, ReplicaRange range,
      double intervalSeconds) {
    double[] rates = ratesPerInterval(workload, seed, intervalSeconds);
    int[] schedule = new int[rates.length];
    for (int k = 0; k < rates.length; k++) {
      double mu = capacity.stableRate(workload.lengthsAt().apply(midpoint(workload, k, intervalSeconds)));
      schedule[k] = range.clamp((int) Math.ceil(rates[k] / mu - 1e-9));
    }
    return new Oracle(schedule, intervalSeconds);
  }

  /** The requests that will arrive in each interval of the load, over the interval's length, req/s. */
  static double[] ratesPerInterval(BenchWorkload workload, long seed, double intervalSeconds) {
    int intervals = (int) Math.ceil(workload.durationSeconds() / intervalSeconds);
    int[] counts = new int[intervals];
    RequestSource source = workload.source().apply(seed);
    while (source.nextTime() < workload.durationSeconds()) {
      Arrival a = source.next();
      counts[Math.min(intervals - 1, (int) (a.time() / intervalSeconds))]++;
    }
    double[] rates = new double[intervals];
    for (int k = 0; k < intervals; k++) {
      rates[k] = counts[k] / Math.min(intervalSeconds, workload.durationSeconds() - k * intervalSeconds);
    }
    return rates;
  }

  /** The middle of interval k (the last one may be short): where its request lengths are read. */
  static double midpoint(BenchWorkload workload, int k, double intervalSeconds) {
    return k * intervalSeconds + Math.min(intervalSeconds, workload.durationSeconds() - k * intervalSeconds) / 2;
  }

  /** The replicas of each interval. */
  public int[] schedule() {
    return schedule.clone();
  }

  public double intervalSeconds() {
    return intervalSeconds;
  }

  /** The most replicas of any interval. */
  public int peak() {
    return peakOfFirst(schedule.length);
  }

  /** Σ n·Δt over the load, in GPU-hours. */
  public double lowerBoundGpuHours(double durationSeconds) {
    double total = 0;
    for (int k = 0; k < schedule.length; k++) {
      total += schedule[k] * Math.min(intervalSeconds, durationSeconds - k * intervalSeconds);
    }
    return total / 3600;
  }

  public int initialReplicas() {
    return schedule[0];
  }

  /** The most replicas of the first {@code intervals} intervals. */
  public int peakOfFirst(int intervals) {
    int peak = 0;
    for (int k = 0; k < Math.min(intervals, schedule.length); k++) {
      peak = Math.max(peak, schedule[k]);
    }
    return peak;
  }
}
