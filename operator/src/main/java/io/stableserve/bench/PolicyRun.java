package io.stableserve.bench;

import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.FleetSample;
import io.stableserve.sim.FleetSpec;
import io.stableserve.sim.Replica;
import io.stableserve.sim.RequestLog;
import io.stableserve.sim.Router;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One policy driving one simulated fleet (pinned or with a gateway, as the setup's stage says)
 * through one workload. Every second the fleet advances and
 * its gauges are scraped; every 15 s its counters are snapshotted; at the policy's period it
 * decides and the fleet is scaled to its answer (new replicas serve after the start-up delay,
 * removed ones drain). When the load ends, the fleet runs on, without decisions, until it has
 * finished what it holds (at most 15 more minutes), so that late requests get their latency.
 */
public final class PolicyRun {

  /** How long after the load the fleet may run to finish its requests. */
  public static final double DRAIN_SECONDS = 900;

  private final BenchSetup setup;

  public PolicyRun(BenchSetup setup) {
    this.setup = setup;
  }

  /** One setting of a policy, built afresh for this run. */
  public RunResult run(BenchWorkload workload, GridPoint point, int initialReplicas) {
    return run(workload, point.create(setup), initialReplicas).at(point);
  }

  /**
   * @param initialReplicas ready at time 0
   * @return the run's figures; its {@link RunResult#kind()} is null (name it with {@link RunResult#at})
   */
  public RunResult run(BenchWorkload workload, Autoscaler policy, int initialReplicas) {
    return summarize(policy.name(), workload, loop(workload, policy, initialReplicas));
  }

  /** The run's loop, its fleet with every request's log, before it is summarised. */
  Loop loop(BenchWorkload workload, Autoscaler policy, int initialReplicas) {
    Fleet fleet = new Fleet(fleetSpec(), workload.source().apply(setup.seed()), new Router.LeastOutstanding(),
        initialReplicas, setup.seed());
    return drive(workload, fleet, policy.periodSeconds(), (metrics, sample) -> {
      int current = sample.replicas();
      int desired = policy.decide(metrics, current, sample.ready());
      if (desired == current) {
        return false;
      }
      fleet.scaleTo(desired);
      return true;
    });
  }

  /** The fleet of this setup's stage, its engine the default one. */
  FleetSpec fleetSpec() {
    return setup.stage().apply(new FleetSpec(setup.engine(), setup.startupSeconds(), "bench/llm", setup.maxModelLen()));
  }

  /** One decision of a run: read the metrics, scale the fleet, and say whether its replicas changed. */
  interface Decision {
    boolean scale(FleetMetrics metrics, FleetSample sample);
  }

  /**
   * What the loop measured.
   *
   * @param gpuSeconds every replica's seconds over the load, start-up and drain included
   * @param gpuSecondsByEngine the same, per engine
   */
  record Loop(Fleet fleet, double gpuSeconds, Map<EngineSetup, Double> gpuSecondsByEngine, double longestBacklog,
      int peakQueue, int actions, List<double[]> replicas) {}

  /** Runs {@code fleet} through the workload, deciding at the policy's period, then lets it finish. */
  Loop drive(BenchWorkload workload, Fleet fleet, double periodSeconds, Decision decision) {
    FleetMetrics metrics = new FleetMetrics(600);
    int horizon = (int) Math.ceil(workload.durationSeconds());
    int period = (int) Math.round(periodSeconds * 1000);
    int control = (int) Math.round(BenchSetup.CONTROL_PERIOD_SECONDS);
    List<double[]> replicas = new ArrayList<>();
    int actions = 0;
    int peakQueue = 0;
    double backlogStart = Double.NaN;
    double longestBacklog = 0;
    double gpuSeconds = 0;
    Map<EngineSetup, Double> byEngine = new LinkedHashMap<>();
    replicas.add(new double[] {0, fleet.sample().replicas()});
    for (int t = 1; t <= horizon + DRAIN_SECONDS; t++) {
      fleet.advanceTo(t);
      metrics.scrape(fleet);
      FleetSample s = fleet.sample();
      int queue = s.waiting() + s.atRouter();
      if (t <= horizon) {
        peakQueue = Math.max(peakQueue, queue);
        boolean late = fleet.longestWaitForFirstToken() > setup.ttftTargetSeconds();
        if (late && Double.isNaN(backlogStart)) {
          backlogStart = t;
        } else if (!late && !Double.isNaN(backlogStart)) {
          longestBacklog = Math.max(longestBacklog, t - backlogStart);
          backlogStart = Double.NaN;
        }
      }
      if (t % control == 0) {
        metrics.snapshotCounters(fleet);
      }
      if (t < horizon && ((long) t * 1000) % period == 0 && decision.scale(metrics, s)) {
        actions++;
      }
      if (t <= horizon && t % control == 0) {
        replicas.add(new double[] {t, fleet.sample().replicas()});
      }
      if (t == horizon) {
        gpuSeconds = fleet.gpuSeconds();
        for (Replica r : fleet.replicas()) {
          byEngine.merge(r.engine().spec(), r.gpuSeconds(t), Double::sum);
        }
        if (!Double.isNaN(backlogStart)) {
          longestBacklog = Math.max(longestBacklog, t - backlogStart);
        }
      }
      if (t > horizon && fleet.sample().inSystem() == 0) {
        break;
      }
    }
    return new Loop(fleet, gpuSeconds, byEngine, longestBacklog, peakQueue, actions, replicas);
  }

  /** The run's figures from what the loop measured and the fleet's request log. */
  RunResult summarize(String policy, BenchWorkload workload, Loop loop) {
    RequestLog log = loop.fleet().log();
    double horizon = workload.durationSeconds();
    int arrived;
    double[] ttft = new double[log.size()];
    int completed = 0;
    int met = 0;
    for (int i = 0; i < log.size(); i++) {
      if (log.arrival(i) < horizon) {
        ttft[completed++] = log.ttftSeconds(i);
        if (log.ttftSeconds(i) < setup.ttftTargetSeconds()) {
          met++;
        }
      }
    }
    // Requests that arrived during the load but never finished (the fleet could not drain them).
    arrived = arrivalsBefore(workload, setup.seed(), horizon);
    int unfinished = Math.max(0, arrived - completed);
    double[] sorted = Arrays.copyOf(ttft, completed);
    Arrays.sort(sorted);
    int total = completed + unfinished;
    double p99;
    int rank = (int) Math.ceil(0.99 * total);
    if (total == 0) {
      p99 = 0;
    } else if (rank > completed) {
      p99 = Double.POSITIVE_INFINITY;
    } else {
      p99 = sorted[Math.max(0, rank - 1)];
    }
    return new RunResult(null, policy, "", false, workload.name(), loop.gpuSeconds() / 3600, total, total == 0 ? 1 : (double) met / total,
        p99, loop.longestBacklog(), loop.peakQueue(), loop.actions(), loop.fleet().sample().preemptions(), List.copyOf(loop.replicas()));
  }

  /** Counts the requests a workload's source produces before a time. */
  static int arrivalsBefore(BenchWorkload workload, long seed, double time) {
    var source = workload.source().apply(seed);
    int n = 0;
    while (source.nextTime() < time) {
      source.next();
      n++;
    }
    return n;
  }
}
