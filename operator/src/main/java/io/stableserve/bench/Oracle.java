package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.RequestSource;
import java.util.ArrayList;
import java.util.List;

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
    int intervals = (int) Math.ceil(workload.durationSeconds() / intervalSeconds);
    List<List<Arrival>> byInterval = new ArrayList<>();
    for (int k = 0; k < intervals; k++) {
      byInterval.add(new ArrayList<>());
    }
    RequestSource source = workload.source().apply(seed);
    while (source.nextTime() < workload.durationSeconds()) {
      Arrival a = source.next();
      byInterval.get(Math.min(intervals - 1, (int) (a.time() / intervalSeconds))).add(a);
    }
    int[] schedule = new int[intervals];
    for (int k = 0; k < intervals; k++) {
      double length = Math.min(intervalSeconds, workload.durationSeconds() - k * intervalSeconds);
      double mu = capacity.stableRate(workload.lengthsAt().apply(k * intervalSeconds + length / 2));
      double rate = byInterval.get(k).size() / length;
      schedule[k] = range.clamp((int) Math.ceil(rate / mu - 1e-9));
    }
    return new Oracle(schedule, intervalSeconds);
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
