package io.stableserve.cli;

import io.stableserve.bench.BenchEngine;
import io.stableserve.bench.BenchSetup;
import io.stableserve.bench.BenchWorkload;
import io.stableserve.bench.Stage;
import io.stableserve.bench.StableServeSettings;
import io.stableserve.bench.Workloads;
import io.stableserve.bench.ZeroBenchmark;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.sim.EngineSetup;
import io.stableserve.solve.EngineConfig;
import io.stableserve.workload.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench scale-to-zero}: StableServe's idle rule, KEDA with {@code minReplicaCount: 0} and
 * Knative's KPA with scale to zero, each beside itself kept at one replica, on a day with a night
 * on each side, in the gateway stage.
 */
@Command(name = "scale-to-zero", mixinStandardHelpOptions = true,
    description = "Scale to zero on a day with a night on each side (stray requests, one every 5 minutes): StableServe "
        + "with its idle rule at 2m, 10m and 30m, KEDA on the queue with minReplicaCount 0 (activation on requests in flight, "
        + "pollingInterval 30 s, cooldownPeriod 300 s) and Knative's KPA with scale to zero (grace period 30 s, activator "
        + "holding requests), each beside the same policy at minimum 1; requests held at a gateway. Prints GPU-hours, TTFT "
        + "attainment and P99, and the cold starts (requests that arrived with no replica ready) with their TTFT, means over seeds.")
public final class ScaleToZeroBenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DataOption dataOption = new DataOption();

  @Option(names = {"--seeds", "--seed"}, split = ",", paramLabel = "N", description = "Seeds, one run of each policy each (default: 42,7).")
  List<Long> seeds = new ArrayList<>(List.of(42L, 7L));

  @Option(names = "--replicas", defaultValue = "8", paramLabel = "N",
      description = "The day's peak rate as N × one replica's stable rate (default: ${DEFAULT-VALUE}, the diurnal day's peak).")
  double replicas;

  @Option(names = "--startup-seconds", defaultValue = "120", paramLabel = "S",
      description = "Seconds a new replica takes to serve: what each cold start costs (default: ${DEFAULT-VALUE}).")
  double startupSeconds;

  @Option(names = "--ttft-target", defaultValue = "2", paramLabel = "S", description = "TTFT SLO in seconds (default: ${DEFAULT-VALUE}).")
  double ttftTarget;

  @Option(names = "--max-replicas", defaultValue = "40", paramLabel = "N", description = "Most replicas any policy may set (default: ${DEFAULT-VALUE}).")
  int maxReplicas;

  @Option(names = "--threads", paramLabel = "N", description = "Seeds run in parallel (default: the machine's processors).")
  Integer threads;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    if (seeds.isEmpty() || !(replicas > 0) || maxReplicas < 1) {
      throw new IllegalArgumentException("give at least one seed, --replicas > 0 and --max-replicas >= 1");
    }
    EngineConfig engine = BenchEngine.H100.config();
    BenchWorkload day = Workloads.nightAndDay("night-and-day", TraceReader.read(dataOption.file("azure-llm-2023-conv.csv")),
        replicas, engine);
    Stage stage = Stage.gateway(Stage.DEFAULT_GATEWAY_WAITING_LIMIT);
    out.printf(Locale.ROOT, "%s%nEngine %s; %s; start-up %.0f s; TTFT target %s s; replicas up to %d; seeds %s%n",
        day.description(), BenchEngine.H100.summary(), stage.describe(), startupSeconds, ttftTarget, maxReplicas, seeds);
    out.flush();
    ExecutorService pool = Executors.newFixedThreadPool(threads != null ? Math.max(1, threads)
        : Math.max(1, Runtime.getRuntime().availableProcessors()));
    List<List<ZeroBenchmark.ZeroRun>> bySeed = new ArrayList<>();
    try {
      List<Future<List<ZeroBenchmark.ZeroRun>>> futures = new ArrayList<>();
      for (long seed : seeds) {
        BenchSetup setup = new BenchSetup(EngineSetup.of(engine), startupSeconds,
            Math.max(32768, engine.maxBatchedTokens().orElse(engine.chunkTokens())), new ReplicaRange(1, maxReplicas), ttftTarget,
            seed, StableServeSettings.defaults(), BenchEngine.H100.key(), stage);
        futures.add(pool.submit(() -> new ZeroBenchmark(setup).run(day)));
      }
      for (Future<List<ZeroBenchmark.ZeroRun>> f : futures) {
        bySeed.add(f.get());
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    out.printf(Locale.ROOT, "%n| policy | GPU-hours | TTFT ≤ %s s | TTFT P99 (s) | cold starts | cold-start TTFT mean (s) | cold-start TTFT max (s) | actions |%n",
        trim(ttftTarget));
    out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int p = 0; p < bySeed.get(0).size(); p++) {
      double gpu = 0, met = 0, p99 = 0, cold = 0, coldMean = 0, actions = 0;
      double coldMax = Double.NaN;
      int withCold = 0;
      for (List<ZeroBenchmark.ZeroRun> runs : bySeed) {
        ZeroBenchmark.ZeroRun r = runs.get(p);
        gpu += r.result().gpuHours();
        met += r.result().sloAttainment();
        p99 += r.result().ttftP99();
        cold += r.coldStarts();
        actions += r.result().scalingActions();
        if (r.coldStarts() > 0) {
          coldMean += r.coldTtftMean();
          withCold++;
          coldMax = Double.isNaN(coldMax) ? r.coldTtftMax() : Math.max(coldMax, r.coldTtftMax());
        }
      }
      int n = bySeed.size();
      out.printf(Locale.ROOT, "| %s | %.2f | %.1f%% | %.2f | %.1f | %s | %s | %.0f |%n", bySeed.get(0).get(p).policy(), gpu / n,
          100 * met / n, p99 / n, cold / n, withCold == 0 ? "–" : String.format(Locale.ROOT, "%.1f", coldMean / withCold),
          Double.isNaN(coldMax) ? "–" : String.format(Locale.ROOT, "%.1f", coldMax), actions / n);
    }
    out.printf(Locale.ROOT, "%nMeans over seeds %s (cold-start TTFT mean over the seeds with cold starts, max over all); %.0f s%n",
        seeds, (System.nanoTime() - start) / 1e9);
    out.flush();
    return 0;
  }

  private static String trim(double x) {
    return x == Math.rint(x) ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%s", x);
  }
}
