package io.stableserve.bench;

import java.util.List;
import java.util.Map;

/**
 * The figures of one policy on one workload in the mixed fleet.
 *
 * @param run the share in time, the TTFT percentile, the backlog, GPU-hours and actions, as for one engine
 * @param replicaHours per variant, in the fleet's order: its replicas from creation (start-up
 *     included) until gone (drain included), over the load's duration
 * @param cost Σ replica-hours × price over the variants
 * @param durationSeconds the load's duration, over which the cost is counted
 */
public record MixRunResult(String policy, String setting, RunResult run, List<Double> replicaHours, double cost,
    double durationSeconds) {

  public MixRunResult {
    replicaHours = List.copyOf(replicaHours);
  }

  /** The cost of the replica-hours, each variant at its price. */
  public static double cost(List<Double> replicaHours, List<BenchVariant> variants) {
    if (replicaHours.size() != variants.size()) {
      throw new IllegalArgumentException(replicaHours.size() + " replica-hour figures for " + variants.size() + " variants");
    }
    double total = 0;
    for (int v = 0; v < variants.size(); v++) {
      total += replicaHours.get(v) * variants.get(v).costPerHour();
    }
    return total;
  }

  /** Each variant's replica-hours, from the loop's seconds per engine. */
  static List<Double> replicaHours(Map<io.stableserve.sim.EngineSetup, Double> secondsByEngine, List<BenchVariant> variants) {
    return variants.stream().map(v -> secondsByEngine.getOrDefault(v.setup(), 0.0) / 3600).toList();
  }

  /** The cost over the load's duration, per hour. */
  public double costPerHour() {
    return cost / (durationSeconds / 3600);
  }

  public double sloAttainment() {
    return run.sloAttainment();
  }

  /** "policy" or "policy setting". */
  public String label() {
    return setting.isEmpty() ? policy : policy + " " + setting;
  }

  /** The same figures at another setting. */
  public MixRunResult at(String other) {
    return new MixRunResult(policy, other, run, replicaHours, cost, durationSeconds);
  }
}
