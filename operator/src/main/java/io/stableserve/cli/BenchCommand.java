package io.stableserve.cli;

import io.stableserve.bench.BenchEngine;
import io.stableserve.bench.BenchReport;
import io.stableserve.bench.BenchSetup;
import io.stableserve.bench.BenchVariant;
import io.stableserve.bench.BenchWorkload;
import io.stableserve.bench.Benchmark;
import io.stableserve.bench.EmpiricalCapacity;
import io.stableserve.bench.MixedBenchmark;
import io.stableserve.bench.MixedReport;
import io.stableserve.bench.PolicyKind;
import io.stableserve.bench.SloBound;
import io.stableserve.bench.Stage;
import io.stableserve.bench.StableServeSettings;
import io.stableserve.bench.Workloads;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.settings.Defaults;
import io.stableserve.sim.EngineSetup;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import io.stableserve.workload.Trace;
import io.stableserve.workload.TraceReader;
import io.stableserve.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: every policy on every workload in the simulated fleet, for each stage, engine and
 * seed; each peer at every point of its knob's grid; tables, a summary and a chart.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark StableServe against HPA on KV cache, KEDA on the queue and on P90 TTFT, llm-d's saturation "
        + "autoscaler and Knative's KPA (each peer at every point of a small grid of its main knob, its documented default among "
        + "them), an SLO bound (the oracle's per-minute replicas, asked for a start-up ahead, scaled until 99%% of first tokens "
        + "come in time) and a reactive bound (the same counts asked for once each minute is over and held for the scale-down "
        + "window), in the "
        + "simulated fleet, for each stage (requests pinned to replicas, or held at a gateway), engine (h100, a100) and seed: "
        + "prints a table per stage, engine and seed, a summary per stage and engine, and writes a chart. Engine options, when "
        + "given, replace those figures in every engine.",
    subcommands = {OperatorCostCommand.class, ScaleToZeroBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {

  static final List<String> ALL_WORKLOADS = List.of("conversation", "code", "diurnal", "shift");

  @Spec
  CommandSpec spec;

  @Mixin
  DataOption dataOption = new DataOption();

  @Option(names = "--workloads", split = ",", paramLabel = "NAME",
      description = "Workloads to run, of conversation, code, diurnal, shift (default: all).")
  List<String> workloads = new ArrayList<>(ALL_WORKLOADS);

  @Option(names = "--policies", split = ",", paramLabel = "NAME",
      description = "Policies to run, of stableserve, hpa, keda, keda-ttft, wva, kpa, bound, reactive-bound (default: these), and "
          + "stableserve-metric (StableServe in Metric mode, its count applied through a simulated KEDA).")
  List<String> policies = new ArrayList<>(List.of("stableserve", "hpa", "keda", "keda-ttft", "wva", "kpa", "bound", "reactive-bound"));

  @Option(names = "--engines", split = ",", paramLabel = "NAME",
      description = "Engines, of h100 (the reference replica) and a100 (default: both).")
  List<String> engines = new ArrayList<>(List.of("h100", "a100"));

  @Option(names = {"--seeds", "--seed"}, split = ",", paramLabel = "N",
      description = "Seeds of request sources and engines, one cell each (default: 42,7).")
  List<Long> seeds = new ArrayList<>(List.of(42L, 7L));

  @Option(names = "--stages", split = ",", paramLabel = "NAME",
      description = "Stages, of pinned (requests queue at the replica the router picks) and gateway (held centrally while every "
          + "ready replica has --gateway-waiting requests waiting) (default: both).")
  List<String> stages = new ArrayList<>(List.of("pinned", "gateway"));

  @Option(names = "--gateway-waiting", defaultValue = "" + Stage.DEFAULT_GATEWAY_WAITING_LIMIT, paramLabel = "K",
      description = "The gateway stage holds a request while every ready replica has K requests waiting (default: ${DEFAULT-VALUE}).")
  int gatewayWaiting;

  @Option(names = "--threads", paramLabel = "N",
      description = "Runs in parallel (default: the machine's processors).")
  Integer threads;

  @Option(names = "--replicas", defaultValue = "5", paramLabel = "N",
      description = "Load in replicas: mean (traces) or peak (diurnal) rate, or the long-prompt phase (shift), as N × one replica's stable rate (default: ${DEFAULT-VALUE}).")
  double replicas;

  @Option(names = "--time-scale", defaultValue = "2", paramLabel = "X",
      description = "Replay the traces X times faster (default: ${DEFAULT-VALUE}: the hour in 30 minutes).")
  double timeScale;

  @Option(names = "--startup-seconds", defaultValue = "120", paramLabel = "S",
      description = "Seconds a new replica takes to serve (default: ${DEFAULT-VALUE}).")
  double startupSeconds;

  @Option(names = "--ttft-target", defaultValue = "2", paramLabel = "S",
      description = "TTFT SLO in seconds (default: ${DEFAULT-VALUE}).")
  double ttftTarget;

  @Option(names = "--max-replicas", defaultValue = "40", paramLabel = "N", description = "Most replicas any policy may set (default: ${DEFAULT-VALUE}).")
  int maxReplicas;

  /** The benchmark's reference replica: Llama-3.1-8B-like on one H100. */
  static final EngineConfig REFERENCE_ENGINE = BenchEngine.H100.config();

  @Mixin
  EngineOptions engineOptions = new EngineOptions();

  @Mixin
  TargetUtilizationOption targetUtilization = new TargetUtilizationOption();

  @Option(names = "--window-seconds", paramLabel = "S",
      description = "StableServe's estimation window, a multiple of 30 s (default: the InferenceService's metrics.window, " + Defaults.WINDOW + ").")
  Double windowSeconds;

  @Option(names = "--settle-seconds", paramLabel = "S",
      description = "StableServe's behavior.scaleUp.settleTime in seconds; 0 scales up on the estimate at once (default: the InferenceService's, " + Defaults.SETTLE_TIME + ").")
  Double settleSeconds;

  @Mixin
  ModelOption model = new ModelOption();

  @Option(names = "--fleet", defaultValue = "single", paramLabel = "KIND",
      description = "single: each engine on its own (the default); mixed: one fleet of h100 (4.0/h, 0..40) and a100 (1.8/h, 0..8) "
          + "replicas, prices an assumption, the workloads sized on the h100, StableServe's mix against the WVA rule over variants, "
          + "a static mix for the peak, StableServe on one type, the reactive mix bound and the oracle mix, with each run's cost.")
  String fleet;

  @Option(names = "--quota", paramLabel = "VARIANT=N",
      description = "With --fleet mixed: at most N replicas of the variant ever start, as a cluster whose nodes of that GPU run "
          + "out; the policies are given the variant's maximum and find the quota out, the oracle and static mixes plan within it.")
  Map<String, Integer> quota = new LinkedHashMap<>();

  @Option(names = "--quota-reported",
      description = "With --quota: the quota is a ResourceQuota, so a variant asked for more reports its pods refused, as a "
          + "Deployment does (ReplicaFailure, FailedCreate), which StableServe reads; without it the nodes run out and nothing "
          + "is reported.")
  boolean quotaReported;

  @Option(names = "--price", paramLabel = "VARIANT=COST",
      description = "With --fleet mixed: the variant's cost per replica-hour instead of the assumed one (h100 4.0, a100 1.8).")
  Map<String, Double> price = new LinkedHashMap<>();

  @Option(names = "--chart", defaultValue = "bench-replicas.png", paramLabel = "FILE",
      description = "PNG chart of the replicas over time per workload, for the first stage, engine and seed (default: ${DEFAULT-VALUE}).")
  Path chart;

  private double windowSeconds() {
    return windowSeconds != null ? windowSeconds : Defaults.window().toSeconds();
  }

  private double settleSeconds() {
    return settleSeconds != null ? settleSeconds : Defaults.settleTime().toMillis() / 1000.0;
  }

  private Duration settle() {
    double settleSeconds = settleSeconds();
    if (!(settleSeconds >= 0) || Double.isInfinite(settleSeconds)) {
      throw new IllegalArgumentException("--settle-seconds must be a number of seconds >= 0, got " + settleSeconds);
    }
    return Duration.ofMillis(Math.round(settleSeconds * 1000));
  }

  /** One cell and workload to run. */
  private record Task(Stage stage, BenchEngine engine, long seed, BenchWorkload workload, Benchmark benchmark) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    List<PolicyKind> kinds = policies.stream().map(PolicyKind::parse).distinct().toList();
    List<Stage> stageList = stages.stream().map(s -> Stage.parse(s, gatewayWaiting)).distinct().toList();
    List<BenchEngine> engineList = engines.stream().map(BenchEngine::parse).distinct()
        .map(e -> e.with(engineOptions.engineOr(e.config()))).toList();
    List<Long> seedList = seeds.stream().distinct().toList();
    if (kinds.isEmpty() || stageList.isEmpty() || engineList.isEmpty() || seedList.isEmpty()) {
      throw new IllegalArgumentException("give at least one policy, stage, engine and seed");
    }
    StableServeSettings stableServe = new StableServeSettings(targetUtilization.value(), windowSeconds(), model.kind(), settle());
    if (fleet.trim().equalsIgnoreCase("mixed")) {
      return mixed(out, stableServe, stageList, seedList, start);
    }
    if (!quota.isEmpty() || !price.isEmpty() || quotaReported) {
      throw new IllegalArgumentException("--quota, --quota-reported and --price apply to the mixed fleet only: add --fleet mixed");
    }
    if (!fleet.trim().equalsIgnoreCase("single")) {
      throw new IllegalArgumentException("unknown fleet '" + fleet + "'; expected single or mixed");
    }
    out.printf(Locale.ROOT, "Start-up %.0f s; TTFT target %s s; replicas 1..%d; seeds %s; stages %s%n"
            + "StableServe: the operator's defaults unless named: ρ = %.2f, %s model, %.0f s estimation window, %.0f s scale-up settle time, %s%n",
        startupSeconds, ttftTarget, maxReplicas, seedList, stageList.stream().map(Stage::describe).toList(),
        targetUtilization.value(), model.kind().name().toLowerCase(Locale.ROOT), windowSeconds(), settleSeconds(),
        stableServe.sloPercentile().isPresent()
            ? String.format(Locale.ROOT, "SLO: P%s TTFT ≤ %s s", trim(100 * stableServe.sloPercentile().getAsDouble()), trim(ttftTarget))
            : "no SLO (sized by ρ)");
    out.println("Grids (default marked *): " + grids(kinds));

    List<Task> tasks = new ArrayList<>();
    Map<String, EmpiricalCapacity> capacities = new LinkedHashMap<>();
    for (BenchEngine engine : engineList) {
      EngineConfig config = engine.config();
      out.println();
      out.println("Engine " + engine.summary());
      List<BenchWorkload> selected = workloads(config);
      for (long seed : seedList) {
        capacities.put(engine.key() + "|" + seed, new EmpiricalCapacity(EngineSetup.of(config), seed));
      }
      for (BenchWorkload w : selected) {
        out.printf("%s: %s%n", w.name(), w.description());
        for (Workload lengths : new LinkedHashSet<>(List.of(w.lengthsAt().apply(0), w.lengthsAt().apply(w.durationSeconds())))) {
          StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  one replica, %s: model %.2f req/s, simulator boundary",
              lengths.describe(), new IterativeModel().solve(lengths, config).stableRate()));
          for (long seed : seedList) {
            b.append(String.format(Locale.ROOT, " %.2f (seed %d)", capacities.get(engine.key() + "|" + seed).stableRate(lengths), seed));
          }
          out.println(b);
        }
        out.flush();
      }
      int maxBatchedTokens = config.maxBatchedTokens().orElse(config.chunkTokens());
      for (Stage stage : stageList) {
        for (long seed : seedList) {
          BenchSetup setup = new BenchSetup(EngineSetup.of(config), startupSeconds, Math.max(32768, maxBatchedTokens),
              new ReplicaRange(1, maxReplicas), ttftTarget, seed, stableServe, engine.key(), stage);
          Benchmark benchmark = new Benchmark(setup, kinds, capacities.get(engine.key() + "|" + seed));
          for (BenchWorkload w : selected) {
            tasks.add(new Task(stage, engine, seed, w, benchmark));
          }
        }
      }
    }

    int parallel = threads != null ? Math.max(1, threads) : Math.max(1, Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "%n%d cells × workloads to run on %d threads (%.0f s so far)%n", tasks.size(), parallel,
        (System.nanoTime() - start) / 1e9);
    out.flush();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<Benchmark.WorkloadRuns>> futures = new ArrayList<>();
    try {
      for (Task t : tasks) {
        futures.add(pool.submit(() -> {
          long t0 = System.nanoTime();
          Benchmark.WorkloadRuns r = t.benchmark().run(t.workload());
          int n = r.runs().size();
          for (Optional<SloBound.Result> b : List.of(r.bound(), r.reactiveBound())) {
            n += b.map(found -> found.probes().size() - 1).orElse(0);
          }
          runs.addAndGet(n);
          synchronized (out) {
            out.printf(Locale.ROOT, "  [%d/%d] %s, %s: %d runs in %.0f s (%.0f s so far)%n", done.incrementAndGet(), tasks.size(),
                t.benchmark().setup().cell(), t.workload().name(), n, (System.nanoTime() - t0) / 1e9, (System.nanoTime() - start) / 1e9);
            out.flush();
          }
          return r;
        }));
      }
      List<Benchmark.WorkloadRuns> results = all(futures);
      report(out, results, stageList, engineList, seedList);
    } finally {
      pool.shutdownNow();
    }
    out.printf(Locale.ROOT, "%nChart: %s; %d runs in %.0f s%n", chart, runs.get(), (System.nanoTime() - start) / 1e9);
    out.flush();
    return 0;
  }

  private void report(PrintWriter out, List<Benchmark.WorkloadRuns> results, List<Stage> stageList, List<BenchEngine> engineList,
      List<Long> seedList) throws IOException {
    List<Benchmark.WorkloadRuns> firstCell = null;
    for (Stage stage : stageList) {
      for (BenchEngine engine : engineList) {
        Map<String, List<Benchmark.WorkloadRuns>> byWorkload = new LinkedHashMap<>();
        for (long seed : seedList) {
          List<Benchmark.WorkloadRuns> cell = results.stream()
              .filter(r -> r.setup().stage().equals(stage) && r.setup().engineName().equals(engine.key()) && r.setup().seed() == seed)
              .toList();
          if (firstCell == null) {
            firstCell = cell;
          }
          out.printf(Locale.ROOT, "%n### %s, %s, seed %d%n%n", stage.key(), engine.key(), seed);
          BenchReport.printCellTable(out, cell, ttftTarget);
          out.println();
          for (String line : BenchReport.boundSearches(cell)) {
            out.println(line);
          }
          for (Benchmark.WorkloadRuns w : cell) {
            byWorkload.computeIfAbsent(w.workload(), k -> new ArrayList<>()).add(w);
          }
        }
        out.printf(Locale.ROOT, "%n### Summary: %s, %s (means over seeds %s)%n%n", stage.key(), engine.key(), seedList);
        BenchReport.printSummary(out, byWorkload, ttftTarget);
        out.println();
        for (String line : BenchReport.goalCheck(byWorkload, startupSeconds)) {
          out.println(line);
        }
        out.flush();
      }
    }
    if (firstCell != null) {
      BenchReport.writeChart(chart, firstCell);
    }
  }

  private static String trim(double x) {
    return x == Math.rint(x) ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%s", x);
  }

  private static String grids(List<PolicyKind> kinds) {
    List<String> parts = new ArrayList<>();
    for (PolicyKind k : kinds) {
      if (k.isPeer() || k == PolicyKind.STABLESERVE_METRIC) {
        parts.add(k.displayName() + ": " + String.join(", ", k.grid().stream().map(p -> p.setting() + (p.isDefault() ? "*" : "")).toList()));
      }
    }
    return String.join("; ", parts);
  }

  /** The mixed fleet's runs: every workload, stage and seed, one table per stage and seed. */
  private int mixed(PrintWriter out, StableServeSettings stableServe, List<Stage> stageList, List<Long> seedList, long start)
      throws IOException, InterruptedException {
    List<BenchVariant> variants = BenchVariant.MIXED;
    if (quotaReported && quota.isEmpty()) {
      throw new IllegalArgumentException("--quota-reported says how a quota shows; give the quota too: --quota VARIANT=N");
    }
    for (Map.Entry<String, Integer> q : quota.entrySet()) {
      if (variants.stream().noneMatch(v -> v.name().equals(q.getKey())) || q.getValue() == null || q.getValue() < 0) {
        throw new IllegalArgumentException("--quota " + q.getKey() + "=" + q.getValue() + ": expected a variant of "
            + variants.stream().map(BenchVariant::name).toList() + " and a count >= 0");
      }
    }
    for (Map.Entry<String, Double> p : price.entrySet()) {
      if (variants.stream().noneMatch(v -> v.name().equals(p.getKey()))) {
        throw new IllegalArgumentException("--price " + p.getKey() + "=" + p.getValue() + ": expected a variant of "
            + variants.stream().map(BenchVariant::name).toList());
      }
    }
    variants = variants.stream().map(v -> price.containsKey(v.name())
        ? new BenchVariant(v.name(), v.engine(), price.get(v.name()), v.min(), v.max()) : v).toList();
    List<Integer> quotas = variants.stream().map(v -> quota.getOrDefault(v.name(), Integer.MAX_VALUE)).toList();
    EngineConfig reference = variants.get(0).engine().config();
    List<BenchWorkload> selected = workloads(reference);
    out.println("Mixed fleet: " + String.join(", ", variants.stream().map(v -> String.format(Locale.ROOT, "%s %.2f/h (%d..%d): %s",
        v.name(), v.costPerHour(), v.min(), v.max(), v.engine().summary())).toList()));
    quota.forEach((name, n) -> out.printf(Locale.ROOT, "Quota: at most %d %s replicas start; the policies are not told%s%n", n, name,
        quotaReported ? ", the variant's target reports the pods refused beyond it" : ""));
    for (BenchWorkload w : selected) {
      out.printf("%s: %s%n", w.name(), w.description());
    }
    out.flush();
    int parallel = threads != null ? Math.max(1, threads) : Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      for (Stage stage : stageList) {
        for (long seed : seedList) {
          List<EmpiricalCapacity> capacities = variants.stream().map(v -> new EmpiricalCapacity(v.setup(), seed)).toList();
          BenchSetup setup = new BenchSetup(variants.get(0).setup(), startupSeconds,
              Math.max(32768, reference.maxBatchedTokens().orElse(reference.chunkTokens())), new ReplicaRange(1, maxReplicas),
              ttftTarget, seed, stableServe, "mixed", stage);
          MixedBenchmark benchmark = new MixedBenchmark(setup, variants, capacities, quotas, quotaReported);
          List<Future<MixedBenchmark.WorkloadRuns>> futures = new ArrayList<>();
          for (BenchWorkload w : selected) {
            futures.add(pool.submit(() -> benchmark.run(w)));
          }
          MixedReport.print(out, String.format(Locale.ROOT, "Mixed fleet: %s, seed %d", stage.key(), seed), variants, all(futures));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    out.printf(Locale.ROOT, "%nMixed fleet in %.0f s%n", (System.nanoTime() - start) / 1e9);
    out.flush();
    return 0;
  }

  /** Every task's result, in order; a task's failure fails the command. */
  private static <T> List<T> all(List<Future<T>> futures) throws InterruptedException {
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      try {
        results.add(f.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("a benchmark run failed: " + e.getCause(), e.getCause());
      }
    }
    return results;
  }

  private List<BenchWorkload> workloads(EngineConfig engine) throws IOException {
    List<BenchWorkload> out = new ArrayList<>();
    Trace conversation = null;
    for (String name : workloads) {
      switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "conversation", "conv" -> {
          conversation = conversation == null ? TraceReader.read(dataOption.file("azure-llm-2023-conv.csv")) : conversation;
          out.add(Workloads.trace("conversation", conversation, timeScale, replicas, engine));
        }
        case "code" -> out.add(Workloads.trace("code", TraceReader.read(dataOption.file("azure-llm-2023-code.csv")), timeScale, replicas, engine));
        case "diurnal" -> {
          conversation = conversation == null ? TraceReader.read(dataOption.file("azure-llm-2023-conv.csv")) : conversation;
          out.add(Workloads.diurnal("diurnal", conversation, replicas + 3, engine));
        }
        case "shift" -> out.add(Workloads.shift("shift", replicas, engine));
        default -> throw new IllegalArgumentException("unknown workload '" + name + "'; expected conversation, code, diurnal or shift");
      }
    }
    return out;
  }
}
