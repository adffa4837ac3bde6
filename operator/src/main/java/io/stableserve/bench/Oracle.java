package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.RequestSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle: a lower bound, not a policy. It knows the future: for each interval (default 60 s)
 * it counts the requests that will arrive in it, A, and sets n = ⌈A / (Δt · μ)⌉ (at least 1, no
 * headroom), with μ one replica's empirical stable rate for the lengths drawn in that interval
 * ({@link EmpiricalCapacity}: the simulator's own boundary, not the model StableServe uses). Its
 * replicas are ready the moment the interval starts (no start-up delay). Its GPU-hours are Σ n·Δt;
 * its latency columns come from running that schedule in the fleet, and show what a fleet that
 * just keeps up with each minute's load gives (a bursty minute still queues).
 */
public final class Oracle implements Autoscaler {

  public static final double DEFAULT_INTERVAL_SECONDS = 60;
  public static final String NAME = "Oracle (bound)";

  private final int[] schedule;
  private final double intervalSeconds;

  private Oracle(int[] schedule, double intervalSeconds) {
    this.schedule = schedule;
    this.intervalSeconds = intervalSeconds;
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

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return intervalSeconds;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    int k = (int) Math.round(metrics.now() / intervalSeconds);
    return schedule[Math.min(schedule.length - 1, k)];
  }
}
