package io.stableserve.bench;

import io.stableserve.decide.Mix;
import io.stableserve.decide.ReplicaRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * The benchmark on a fleet of several variants (issue 17): on each workload, StableServe's mix
 * decision against the WVA rule over variants at each point of the saturation analyzer's grid, a
 * static mix sized for the peak, StableServe restricted to each one variant, then the reactive mix
 * bound and the oracle mix, each with its factor searched as the SLO bound's is. Every run but the
 * restricted ones starts with the cheapest mix for the busiest of the first five minutes at ρ =
 * 0.85 (known rates, empirical capacities); a restricted run starts with its own variant's count
 * for the same.
 */
public final class MixedBenchmark {

  /** The opening stretch the starting mix is sized for, in intervals. */
  static final int OPENING_INTERVALS = 5;

  /**
   * Every run of one workload.
   *
   * @param runs StableServe's first, then the peers', then the reactive mix bound's and the oracle
   *     mix's chosen runs
   * @param reactive the reactive mix bound's factor search
   * @param oracle the oracle mix's factor search
   * @param stableServeChanges how many of StableServe's passes changed the mix, by the pipeline's reason
   */
  public record WorkloadRuns(String workload, List<MixRunResult> runs, SloBound.Result reactive, SloBound.Result oracle,
      Map<String, Integer> stableServeChanges) {

    public WorkloadRuns {
      runs = List.copyOf(runs);
      stableServeChanges = Map.copyOf(stableServeChanges);
    }

    public MixRunResult stableServe() {
      return runs.get(0);
    }

    public MixRunResult oracleRun() {
      return runs.get(runs.size() - 1);
    }

    public MixRunResult reactiveRun() {
      return runs.get(runs.size() - 2);
    }

    /** Every run but StableServe's and the two bounds'. */
    public List<MixRunResult> peers() {
      return runs.subList(1, runs.size() - 2);
    }

    /** The runs of one policy, by its name. */
    public List<MixRunResult> of(String policy) {
      return runs.stream().filter(r -> r.policy().equals(policy)).toList();
    }
  }

  private final BenchSetup setup;
  private final List<BenchVariant> variants;
  private final List<EmpiricalCapacity> capacities;
  private final MixPolicyRun runner;
  private final List<BenchVariant> known;

  /** @param capacities one per variant, in the fleet's order */
  public MixedBenchmark(BenchSetup setup, List<BenchVariant> variants, List<EmpiricalCapacity> capacities) {
    this(setup, variants, capacities, variants.stream().map(v -> Integer.MAX_VALUE).toList());
  }

  /**
   * @param quotas per variant, the most replicas of it the cluster starts ({@link MixPolicyRun}); the
   *     oracle mix and the static mix, which know the future, plan within them, the other policies
   *     are given each variant's maximum and find the quota out
   */
  public MixedBenchmark(BenchSetup setup, List<BenchVariant> variants, List<EmpiricalCapacity> capacities, List<Integer> quotas) {
    this(setup, variants, capacities, quotas, false);
  }

  /** @param quotasReported whether a variant asked for more than its quota reports them refused ({@link MixPolicyRun}) */
  public MixedBenchmark(BenchSetup setup, List<BenchVariant> variants, List<EmpiricalCapacity> capacities, List<Integer> quotas,
      boolean quotasReported) {
    if (capacities.size() != variants.size()) {
      throw new IllegalArgumentException(capacities.size() + " empirical capacities for " + variants.size() + " variants");
    }
    this.setup = setup;
    this.variants = List.copyOf(variants);
    this.capacities = List.copyOf(capacities);
    this.runner = new MixPolicyRun(setup, variants, quotas, quotasReported);
    List<BenchVariant> within = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      BenchVariant b = variants.get(v);
      within.add(new BenchVariant(b.name(), b.engine(), b.costPerHour(), Math.min(b.min(), quotas.get(v)),
          Math.min(b.max(), quotas.get(v))));
    }
    this.known = List.copyOf(within);
  }

  public List<BenchVariant> variants() {
    return variants;
  }

  public BenchSetup setup() {
    return setup;
  }

  public WorkloadRuns run(BenchWorkload workload) {
    MixedLoad load = MixedLoad.of(workload, setup.seed(), known, capacities, Oracle.DEFAULT_INTERVAL_SECONDS);
    double rho = setup.stableServe().targetUtilization();
    Mix initial = load.forBusiest(OPENING_INTERVALS, rho);
    List<MixRunResult> runs = new ArrayList<>();
    StableServeMixAutoscaler stableServe = StableServeMixAutoscaler.of(setup, variants);
    runs.add(runner.run(workload, stableServe, initial));
    for (SaturationScaler.Thresholds t : SaturationScaler.Thresholds.GRID) {
      String setting = t.label() + (t.equals(SaturationScaler.Thresholds.DEFAULTS) ? " (default)" : "");
      runs.add(runner.run(workload, new VariantSaturationScaler(variants, t), initial).at(setting));
    }
    runs.add(runner.run(workload, new StaticMix(load.forBusiest(load.intervals(), rho)), initial));
    for (int v = 0; v < variants.size(); v++) {
      runs.add(restricted(workload, load, v, rho));
    }
    double share = runs.get(0).sloAttainment();
    SloBound.Result reactive = searchFactor(workload, load, share, runs,
        f -> new ReactiveMixBound(load.plan(f), load.intervalSeconds(), Benchmark.REACTIVE_HOLD_SECONDS));
    SloBound.Result oracle = searchFactor(workload, load, share, runs,
        f -> new OracleMix(load.plan(f), load.intervalSeconds(), setup.startupSeconds()));
    return new WorkloadRuns(workload.name(), runs, reactive, oracle, stableServe.changesByReason());
  }

  /** A bound's factor searched as the SLO bound's ({@link SloBound#search}); its chosen run is added to {@code runs}. */
  private SloBound.Result searchFactor(BenchWorkload workload, MixedLoad load, double share, List<MixRunResult> runs,
      DoubleFunction<PlannedMix> bound) {
    Map<Double, MixRunResult> byFactor = new LinkedHashMap<>();
    SloBound.Result found = SloBound.search(SloBound.factorsUpTo(load.factorAtCap()), f -> {
      PlannedMix plan = bound.apply(f);
      MixRunResult r = runner.run(workload, plan, plan.desired(0));
      byFactor.put(f, r);
      return r.run();
    }, share);
    runs.add(byFactor.get(found.factor()).at(found.setting()));
    return found;
  }

  /** StableServe's single-engine pipeline on variant v alone, within v's bounds. */
  private MixRunResult restricted(BenchWorkload workload, MixedLoad load, int v, double rho) {
    BenchVariant only = variants.get(v);
    List<BenchVariant> fleet = new ArrayList<>();
    for (int u = 0; u < variants.size(); u++) {
      fleet.add(u == v ? only : variants.get(u).unused());
    }
    ReplicaRange range = new ReplicaRange(Math.max(1, only.min()), only.max());
    BenchSetup one = new BenchSetup(only.setup(), setup.startupSeconds(), setup.maxModelLen(), range, setup.ttftTargetSeconds(),
        setup.seed(), setup.stableServe(), only.name(), setup.stage());
    Mix initial = load.on(fleet).forBusiest(OPENING_INTERVALS, rho);
    return runner.run(workload, new OneVariant(StableServeAutoscaler.of(range, one), v, only.name()), initial);
  }

  /** The cheapest run of {@code runs} whose share in time is at least {@code share} (ties within {@link Benchmark#ATTAINMENT_TIE}). */
  public static Optional<MixRunResult> cheapestAsGood(List<MixRunResult> runs, double share) {
    return runs.stream().filter(r -> r.sloAttainment() >= share - Benchmark.ATTAINMENT_TIE)
        .min((a, b) -> Double.compare(a.cost(), b.cost()));
  }
}
