package io.stableserve.bench;

import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.RequestSource;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import io.stableserve.workload.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle: a lower bound, not a policy. It knows the future: for each interval (default 60 s)
 * it takes the requests that will arrive in it, and sets n = ⌈A / (Δt · μ)⌉ (at least 1), with A
 * their number and μ one replica's stable rate by the iterative model for exactly those requests'
 * token moments (at utilisation 1, no headroom). Its replicas are ready the moment the interval
 * starts (no start-up delay), so its GPU-hours are Σ n·Δt plus the drain of removed replicas.
 * Where the model overstates what a replica serves (preemption near saturation, DESIGN §1.3) the
 * oracle's queue can grow: that shows in its latency columns.
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
  public static Oracle plan(BenchWorkload workload, long seed, EngineConfig engine, ReplicaRange range,
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
    IterativeModel model = new IterativeModel();
    for (int k = 0; k < intervals; k++) {
      List<Arrival> arrivals = byInterval.get(k);
      if (arrivals.size() < 2) {
        schedule[k] = range.min();
        continue;
      }
      double[] t = new double[arrivals.size()];
      int[] s = new int[arrivals.size()];
      int[] o = new int[arrivals.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = arrivals.get(i).time();
        s[i] = arrivals.get(i).promptTokens();
        o[i] = arrivals.get(i).outputTokens();
      }
      double mu = model.solve(new Trace("interval " + k, t, s, o), engine).stableRate();
      double rate = arrivals.size() / Math.min(intervalSeconds, workload.durationSeconds() - k * intervalSeconds);
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
