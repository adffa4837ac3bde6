package io.stableserve.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every policy on every workload, one after the other, all from the same seed. Every run starts
 * with the replicas the opening five minutes need: the oracle's largest count of its first five
 * intervals divided by 0.85 (the operator's default target utilisation), so that no policy starts
 * under-provisioned for reasons that are not its own.
 */
public final class Benchmark {

  private final BenchSetup setup;
  private final List<PolicyKind> policies;
  private final EmpiricalCapacity capacity;

  public Benchmark(BenchSetup setup, List<PolicyKind> policies) {
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("the benchmark needs at least one policy");
    }
    this.setup = setup;
    this.policies = List.copyOf(policies);
    this.capacity = new EmpiricalCapacity(setup.engine(), setup.seed());
  }

  /** One replica's empirical capacity, as the oracle uses it. */
  public EmpiricalCapacity capacity() {
    return capacity;
  }

  /** Runs every policy on {@code workload}; reports each result to {@code progress} as it comes. */
  public List<RunResult> run(BenchWorkload workload, Consumer<RunResult> progress) {
    Oracle oracle = Oracle.plan(workload, setup.seed(), capacity, setup.range(), Oracle.DEFAULT_INTERVAL_SECONDS);
    int initial = setup.range().clamp((int) Math.ceil(oracle.peakOfFirst(5) / StableServeAutoscaler.DEFAULT_TARGET_UTILIZATION));
    List<RunResult> results = new ArrayList<>();
    for (PolicyKind kind : policies) {
      RunResult r;
      if (kind == PolicyKind.ORACLE) {
        RunResult simulated = new PolicyRun(setup.withStartupSeconds(0)).run(workload, oracle, oracle.initialReplicas());
        r = new RunResult(simulated.policy(), simulated.workload(), oracle.lowerBoundGpuHours(workload.durationSeconds()),
            simulated.requests(), simulated.sloAttainment(), simulated.ttftP99(), simulated.longestBacklogSeconds(),
            simulated.peakQueue(), simulated.scalingActions(), simulated.preemptions(), simulated.replicas());
      } else {
        r = new PolicyRun(setup).run(workload, kind.create(setup, workload, capacity), initial);
      }
      results.add(r);
      progress.accept(r);
    }
    return results;
  }
}
