package io.stableserve.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One cell of the benchmark (one engine, one seed, one stage): every policy on a workload, every
 * peer at every point of its knob's grid, StableServe once with the operator's defaults, then the
 * factor searches of the SLO bound and the reactive bound, all from the same seed. Every run starts with the replicas the opening
 * five minutes need: the oracle's largest count of its first five intervals divided by 0.85 (the
 * operator's default target utilisation), so that no policy starts under-provisioned for reasons
 * that are not its own.
 */
public final class Benchmark {

  /** How long the reactive bound holds a count: the operator's default scale-down window. */
  public static final double REACTIVE_HOLD_SECONDS = io.stableserve.settings.Defaults.scaleDownWindow().toSeconds();

  /** Attainments closer than this count as a tie when the best setting is picked. */
  public static final double ATTAINMENT_TIE = 0.0005;

  /**
   * Every run of one workload in one cell.
   *
   * @param runs StableServe's, every peer's at every grid point, and each bound's chosen run
   * @param bound the SLO bound's factor search, when it ran
   * @param reactiveBound the reactive bound's factor search, when it ran
   */
  public record WorkloadRuns(BenchSetup setup, String workload, List<RunResult> runs, Optional<SloBound.Result> bound,
      Optional<SloBound.Result> reactiveBound) {

    public WorkloadRuns {
      runs = List.copyOf(runs);
    }

    public Optional<RunResult> stableServe() {
      return runs.stream().filter(r -> r.kind() == PolicyKind.STABLESERVE).findFirst();
    }

    /** Every run of a policy, one per grid point. */
    public List<RunResult> of(PolicyKind kind) {
      return runs.stream().filter(r -> r.kind() == kind).toList();
    }

    /** The run of a peer at its documented default. */
    public Optional<RunResult> atDefault(PolicyKind kind) {
      return of(kind).stream().filter(RunResult::defaultSetting).findFirst();
    }

    /** The run of a peer at its best grid point on this workload. */
    public Optional<RunResult> best(PolicyKind kind) {
      return Benchmark.best(of(kind));
    }

    /** Every peer's run at every grid point. */
    public List<RunResult> peers() {
      return runs.stream().filter(r -> r.kind() != null && r.kind().isPeer()).toList();
    }

    public Optional<RunResult> boundRun() {
      return runs.stream().filter(r -> r.kind() == PolicyKind.SLO_BOUND).findFirst();
    }

    public Optional<RunResult> reactiveBoundRun() {
      return runs.stream().filter(r -> r.kind() == PolicyKind.REACTIVE_BOUND).findFirst();
    }
  }

  private final BenchSetup setup;
  private final List<PolicyKind> policies;
  private final EmpiricalCapacity capacity;

  public Benchmark(BenchSetup setup, List<PolicyKind> policies) {
    this(setup, policies, new EmpiricalCapacity(setup.engine(), setup.seed()));
  }

  /** @param capacity one replica's empirical capacity for this engine (shared by the cells of one engine and seed) */
  public Benchmark(BenchSetup setup, List<PolicyKind> policies, EmpiricalCapacity capacity) {
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("the benchmark needs at least one policy");
    }
    this.setup = setup;
    this.policies = List.copyOf(policies);
    this.capacity = capacity;
  }

  /** One replica's empirical capacity, as the oracle uses it. */
  public EmpiricalCapacity capacity() {
    return capacity;
  }

  public BenchSetup setup() {
    return setup;
  }

  /**
   * The best of a policy's runs: the highest share of requests with TTFT under the target (within
   * {@link #ATTAINMENT_TIE}), then the fewest GPU-hours.
   */
  public static Optional<RunResult> best(List<RunResult> runs) {
    return runs.stream().min(BEST_FIRST);
  }

  /** Best first: attainment down (ties within {@link #ATTAINMENT_TIE}), then GPU-hours up. */
  public static final Comparator<RunResult> BEST_FIRST = (a, b) -> {
    if (Math.abs(a.sloAttainment() - b.sloAttainment()) > ATTAINMENT_TIE) {
      return Double.compare(b.sloAttainment(), a.sloAttainment());
    }
    return Double.compare(a.gpuHours(), b.gpuHours());
  };

  /** Runs every selected policy at every setting on {@code workload}, then the bound's search. */
  public WorkloadRuns run(BenchWorkload workload) {
    Oracle oracle = Oracle.plan(workload, setup.seed(), capacity, setup.range(), Oracle.DEFAULT_INTERVAL_SECONDS);
    int initial = setup.range().clamp((int) Math.ceil(oracle.peakOfFirst(5) / StableServeAutoscaler.DEFAULT_TARGET_UTILIZATION));
    PolicyRun runner = new PolicyRun(setup);
    List<RunResult> results = new ArrayList<>();
    List<PolicyKind> order = new ArrayList<>(policies);
    order.sort(Comparator.comparingInt(k -> k == PolicyKind.STABLESERVE ? 0 : k.isBound() ? 2 : 1));
    Optional<SloBound.Result> bound = Optional.empty();
    Optional<SloBound.Result> reactive = Optional.empty();
    for (PolicyKind kind : order) {
      if (kind.isBound()) {
        double reference = results.stream().filter(r -> r.kind() == PolicyKind.STABLESERVE).mapToDouble(RunResult::sloAttainment)
            .findFirst().orElse(results.stream().filter(r -> !r.kind().isBound()).mapToDouble(RunResult::sloAttainment).max()
                .orElse(SloBound.TARGET_ATTAINMENT));
        SloBound.Result found = SloBound.search(SloBound.factors(oracle, setup.range()), f -> {
          PlannedCounts b = kind == PolicyKind.SLO_BOUND ? SloBound.of(oracle, f, setup.range(), setup.startupSeconds())
              : ReactiveBound.of(oracle, f, setup.range(), REACTIVE_HOLD_SECONDS);
          return runner.run(workload, b, b.initialReplicas());
        }, reference);
        results.add(found.run().asBound(kind, found.setting()));
        if (kind == PolicyKind.SLO_BOUND) {
          bound = Optional.of(found);
        } else {
          reactive = Optional.of(found);
        }
        continue;
      }
      for (GridPoint point : kind.grid()) {
        results.add(runner.run(workload, point, initial));
      }
    }
    return new WorkloadRuns(setup, workload.name(), results, bound, reactive);
  }
}
