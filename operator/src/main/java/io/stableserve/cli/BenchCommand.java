package io.stableserve.cli;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.bench.BenchReport;
import io.stableserve.bench.BenchSetup;
import io.stableserve.bench.BenchWorkload;
import io.stableserve.bench.Benchmark;
import io.stableserve.bench.PolicyKind;
import io.stableserve.bench.RunResult;
import io.stableserve.bench.StableServeSettings;
import io.stableserve.bench.Workloads;
import io.stableserve.sim.EngineSetup;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.workload.Trace;
import io.stableserve.workload.TraceReader;
import io.stableserve.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import io.stableserve.settings.Defaults;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bench}: every policy on every workload in the simulated fleet; a table and a chart. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark StableServe against HPA, KEDA, llm-d's saturation autoscaler, Knative's KPA and an oracle "
        + "in the simulated fleet: prints a table and writes a chart. Without engine options the replica is "
        + "Llama-3.1-8B-like on one H100: 131072 KV tokens, max_num_batched_tokens and chunk 2048, max_num_seqs 256, "
        + "step 0.006 s + 1.7e-5 s per token + 1e-7 s per KV token.",
    subcommands = {OperatorCostCommand.class})
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
      description = "Policies to run, of stableserve, hpa, keda, wva, kpa, oracle (default: all).")
  List<String> policies = new ArrayList<>(List.of("stableserve", "hpa", "keda", "wva", "kpa", "oracle"));

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

  @Option(names = "--seed", defaultValue = "42", description = "Seed of request sources and engines (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The benchmark's replica when no engine option is given: Llama-3.1-8B-like on one H100. */
  static final EngineConfig REFERENCE_ENGINE = new EngineConfig(131_072, 2048, OptionalInt.of(256), OptionalInt.of(2048),
      new StepTimeModel(0.006, 1.7e-5, 1e-7));

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

  @Option(names = "--chart", defaultValue = "bench-replicas.png", paramLabel = "FILE",
      description = "PNG chart of replicas over time per workload (default: ${DEFAULT-VALUE}).")
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

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    EngineConfig engine = engineOptions.engineOr(REFERENCE_ENGINE);
    int maxBatchedTokens = engine.maxBatchedTokens().orElse(engine.chunkTokens());
    BenchSetup setup = new BenchSetup(EngineSetup.of(engine), startupSeconds, Math.max(32768, maxBatchedTokens),
        new ReplicaRange(1, maxReplicas), ttftTarget, seed,
        new StableServeSettings(targetUtilization.value(), windowSeconds(), model.kind(), settle()));
    List<PolicyKind> kinds = policies.stream().map(PolicyKind::parse).toList();
    List<BenchWorkload> selected = workloads(engine);
    out.printf(Locale.ROOT, "Engine: M = %d KV tokens, max_num_batched_tokens %d, max_num_seqs %d, step %.3g + %.3g·n + %.3g·m s; "
            + "start-up %.0f s; TTFT target %.1f s; replicas 1..%d; seed %d%nStableServe: ρ = %.2f, %s model, %.0f s estimation window, "
            + "%.0f s scale-up settle time%n",
        engine.kvCacheTokens(), maxBatchedTokens, engine.maxNumSeqs().orElse(0), engine.stepTime().baseSeconds(),
        engine.stepTime().secondsPerToken(), engine.stepTime().secondsPerKvToken(), startupSeconds, ttftTarget, maxReplicas, seed,
        targetUtilization.value(), model.kind().name().toLowerCase(Locale.ROOT), windowSeconds(), settleSeconds());
    Benchmark benchmark = new Benchmark(setup, kinds);
    List<RunResult> results = new ArrayList<>();
    long start = System.nanoTime();
    for (BenchWorkload w : selected) {
      out.printf("%s: %s%n", w.name(), w.description());
      for (Workload lengths : new java.util.LinkedHashSet<>(List.of(w.lengthsAt().apply(0), w.lengthsAt().apply(w.durationSeconds())))) {
        out.printf(Locale.ROOT, "  one replica, %s: model %.2f req/s, simulator boundary %.2f req/s%n", lengths.describe(),
            new IterativeModel().solve(lengths, engine).stableRate(), benchmark.capacity().stableRate(lengths));
      }
      out.flush();
      results.addAll(benchmark.run(w, r -> {
        out.printf(Locale.ROOT, "  %-24s done (%.0f s so far)%n", r.policy(), (System.nanoTime() - start) / 1e9);
        out.flush();
      }));
    }
    out.println();
    BenchReport.printTable(out, results);
    out.println();
    for (String line : BenchReport.goalCheck(results, startupSeconds)) {
      out.println(line);
    }
    BenchReport.writeChart(chart, results);
    out.printf(Locale.ROOT, "%nChart: %s; %d runs in %.0f s%n", chart, results.size(), (System.nanoTime() - start) / 1e9);
    out.flush();
    return 0;
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
