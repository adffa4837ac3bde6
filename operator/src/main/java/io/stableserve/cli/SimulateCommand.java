package io.stableserve.cli;

import io.stableserve.pipeline.ServiceSettings;
import io.stableserve.sim.StabilityModels;
import io.stableserve.solve.ModelKind;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stableserve.sim.BoundaryFinder;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.FleetSample;
import io.stableserve.sim.FleetSpec;
import io.stableserve.sim.RequestLog;
import io.stableserve.sim.Router;
import io.stableserve.sim.StabilityCriterion;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.sim.arrivals.RequestSource;
import io.stableserve.sim.arrivals.TraceReplay;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.workload.Trace;
import io.stableserve.workload.Workload;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate}: the vLLM engine simulator, as a fleet run or as a stability-boundary search. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Simulate vLLM V1 engines (continuous batching, chunked prefill, paged KV cache, preemption by recompute).",
        "With --find-boundary: the empirical stable rate of one engine beside the models' predictions.",
        "Otherwise: a fleet of --replicas engines under --arrival-rate (Poisson) or a --trace replayed "
            + "--time-scale times faster, for --duration seconds."})
public final class SimulateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  BoundaryOptions boundaryOptions = new BoundaryOptions();

  @Mixin
  WorkloadOptions workloadOptions = new WorkloadOptions();

  @Mixin
  EngineOptions engineOptions = new EngineOptions();

  @Option(names = "--find-boundary", description = "Search the largest stable Poisson rate of one engine.")
  boolean findBoundary;

  @Option(names = "--json", description = "With --find-boundary: print one JSON object.")
  boolean json;






  @Option(names = "--arrival-rate", paramLabel = "L", description = "Fleet: Poisson arrival rate, req/s.")
  Double arrivalRate;

  @Option(names = "--time-scale", paramLabel = "X",
      description = "Fleet: replay the --trace X times faster (default 1 when a trace is given without --arrival-rate).")
  Double timeScale;

  @Option(names = "--rate-scale", defaultValue = "1", paramLabel = "R",
      description = "Fleet: R times the trace's requests at the same times (default: ${DEFAULT-VALUE}).")
  double rateScale;

  @Option(names = "--replicas", defaultValue = "1", paramLabel = "N", description = "Fleet: replicas (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--duration", defaultValue = "3600", paramLabel = "S",
      description = "Fleet: simulated seconds (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--router", defaultValue = "least-outstanding", paramLabel = "NAME",
      description = "Fleet: round-robin or least-outstanding (default: ${DEFAULT-VALUE}).")
  String router;

  @Option(names = "--ttft-target", defaultValue = "2", paramLabel = "S",
      description = "Fleet: TTFT objective for the attainment figure, seconds (default: ${DEFAULT-VALUE}).")
  double ttftTarget;

  @Option(names = "--step-noise", defaultValue = "0", paramLabel = "CV",
      description = "Coefficient of variation of step-time noise (default: ${DEFAULT-VALUE}).")
  double stepNoise;

  @Option(names = "--block-size", defaultValue = "16", paramLabel = "T",
      description = "KV-cache block size in tokens (default: ${DEFAULT-VALUE}).")
  int blockSize;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;


  @Override
  public Integer call() throws Exception {
    Workload workload = workloadOptions.workload();
    EngineConfig config = engineOptions.engine();
    EngineSetup engine = new EngineSetup(config, blockSize, stepNoise);
    PrintWriter out = spec.commandLine().getOut();
    if (findBoundary) {
      if (arrivalRate != null || timeScale != null) {
        throw new IllegalArgumentException("--find-boundary searches the rate itself; leave out --arrival-rate and --time-scale");
      }
      boundary(out, workload, engine);
    } else {
      fleet(out, workload, engine);
    }
    out.flush();
    return 0;
  }

  private static double error(Capacity model, BoundaryFinder.Boundary b) {
    return (model.stableRate() - b.stableRate()) / b.stableRate();
  }

  private void boundary(PrintWriter out, Workload workload, EngineSetup engine) throws Exception {
    // Every model, the operator's default first: the search starts from its rate.
    ModelKind defaultModel = ServiceSettings.defaultModel();
    List<ModelKind> kinds = new ArrayList<>(List.of(defaultModel));
    Arrays.stream(ModelKind.values()).filter(k -> k != defaultModel).forEach(kinds::add);
    Map<ModelKind, Capacity> models = new LinkedHashMap<>();
    for (ModelKind k : kinds) {
      models.put(k, StabilityModels.of(k).solve(workload, engine.config()));
    }
    Capacity predicted = models.get(defaultModel);
    StabilityCriterion criterion = boundaryOptions.criterion();
    BoundaryFinder finder = new BoundaryFinder(engine, workload, criterion, boundaryOptions.resolution(), seed,
        boundaryOptions.threads());
    BoundaryFinder.Boundary b = finder.find(predicted.stableRate());
    if (json) {
      ObjectNode root = PlanCommand.JSON.createObjectNode();
      root.put("workload", workload.describe());
      root.put("empiricalStableRate", b.stableRate());
      root.put("empiricalUnstableRate", b.unstableRate());
      root.put("model", defaultModel.name().toLowerCase(Locale.ROOT));
      root.put("predictedStableRate", predicted.stableRate());
      root.put("predictedBottleneck", predicted.bottleneck().name());
      root.put("predictedRelativeError", error(predicted, b));
      ArrayNode byModel = root.putArray("models");
      models.forEach((k, c) -> byModel.addObject().put("model", k.name().toLowerCase(Locale.ROOT))
          .put("stableRate", c.stableRate()).put("bottleneck", c.bottleneck().name()).put("relativeError", error(c, b)));
      root.put("preemptionsPerHourAtBoundary", b.atBoundary().preemptionsPerHour());
      root.put("recomputedShareAtBoundary", b.atBoundary().recomputedShare());
      root.put("meanKvCacheUsageAtBoundary", b.atBoundary().meanKvTokens() / engine.config().kvCacheTokens());
      root.put("criterion", criterion.describe());
      root.put("resolution", boundaryOptions.resolution());
      root.put("simulatedSeconds", b.simulatedSeconds());
      root.put("wallSeconds", b.wallSeconds());
      ArrayNode probes = root.putArray("probes");
      for (BoundaryFinder.Probe p : b.probes()) {
        probes.addObject().put("rate", p.rate()).put("stable", p.verdict().stable())
            .put("meanDrift", p.verdict().meanDrift()).put("driftUpperBound", p.verdict().upperBound())
            .put("threshold", p.verdict().threshold()).put("preemptionsPerHour", p.preemptionsPerHour())
            .put("meanInSystem", p.meanInSystem()).put("recomputedShare", p.recomputedShare())
            .put("meanKvTokens", p.meanKvTokens());
      }
      out.println(PlanCommand.JSON.writeValueAsString(root));
      return;
    }
    out.printf(Locale.ROOT, "Workload   %s%n", workload.describe());
    out.printf(Locale.ROOT, "Engine     %s%n", describe(engine));
    out.printf(Locale.ROOT, "Criterion  %s; resolution %.1f%%%n", criterion.describe(), boundaryOptions.resolution() * 100);
    out.println("  rate (req/s)   verdict    mean drift  upper bound  threshold   in system  preemptions/h"
        + "  recomputed  KV used");
    for (BoundaryFinder.Probe p : b.probes()) {
      out.printf(Locale.ROOT, "  %12.4f   %-9s %11.4f  %11.4f  %9.4f  %10.1f  %13.0f  %9.1f%%  %6.1f%%%n", p.rate(),
          p.verdict().stable() ? "stable" : "not shown", p.verdict().meanDrift(), p.verdict().upperBound(),
          p.verdict().threshold(), p.meanInSystem(), p.preemptionsPerHour(), p.recomputedShare() * 100,
          p.meanKvTokens() / engine.config().kvCacheTokens() * 100);
    }
    out.printf(Locale.ROOT, "Empirical stable rate   %.4f req/s (not shown stable at %.4f)%n", b.stableRate(),
        b.unstableRate());
    models.forEach((k, c) -> {
      String name = k.name().charAt(0) + k.name().substring(1).toLowerCase(Locale.ROOT) + " model";
      out.printf(Locale.ROOT, "%-23s %.4f req/s (%s), error %+.1f%%%s%n", name, c.stableRate(), c.bottleneck(),
          error(c, b) * 100, k == defaultModel ? "  (the operator's default)" : "");
    });
    out.printf(Locale.ROOT, "Preemptions at boundary %.0f per hour, %.1f%% of computed tokens recomputed, "
            + "KV cache %.1f%% used on average%n", b.atBoundary().preemptionsPerHour(),
        b.atBoundary().recomputedShare() * 100, b.atBoundary().meanKvTokens() / engine.config().kvCacheTokens() * 100);
    out.printf(Locale.ROOT, "Cost                    %.0f simulated engine-seconds in %.1f s wall%n",
        b.simulatedSeconds(), b.wallSeconds());
  }

  static String describe(EngineSetup engine) {
    EngineConfig c = engine.config();
    return String.format(Locale.ROOT, "M = %d tokens (%d blocks of %d), token budget %d, prefill chunk %d, "
            + "max_num_seqs %s, step %.4g + %.3g·n + %.3g·m s%s",
        c.kvCacheTokens(), engine.totalBlocks(), engine.blockSize(), engine.tokenBudget(), engine.prefillChunkCap(),
        c.maxNumSeqs().isPresent() ? Integer.toString(c.maxNumSeqs().getAsInt()) : "unlimited",
        c.stepTime().baseSeconds(), c.stepTime().secondsPerToken(), c.stepTime().secondsPerKvToken(),
        engine.stepNoise() > 0 ? String.format(Locale.ROOT, ", noise CV %.2f", engine.stepNoise()) : "");
  }

  private RequestSource source(Workload workload) {
    if (arrivalRate != null && timeScale != null) {
      throw new IllegalArgumentException("give --arrival-rate L (Poisson) or --trace FILE --time-scale X (replay), not both");
    }
    if (arrivalRate != null) {
      return PoissonSource.constant(arrivalRate, workload, seed);
    }
    if (workload instanceof Trace trace) {
      return new TraceReplay(trace, timeScale == null ? 1 : timeScale, rateScale, true, seed);
    }
    throw new IllegalArgumentException("a fleet run needs --arrival-rate L, or --trace FILE with --time-scale X");
  }

  private void fleet(PrintWriter out, Workload workload, EngineSetup engine) {
    if (replicas < 1) {
      throw new IllegalArgumentException("--replicas must be at least 1, got " + replicas);
    }
    if (!(duration > 0)) {
      throw new IllegalArgumentException("--duration must be a positive number of seconds, got " + duration);
    }
    RequestSource source = source(workload);
    Fleet fleet = new Fleet(FleetSpec.of(engine, 0), source, Router.parse(router), replicas, seed);
    long started = System.nanoTime();
    int rows = 24;
    double interval = duration / rows;
    List<FleetSample> samples = new ArrayList<>();
    int perRow = 10;
    for (int k = 1; k <= rows * perRow; k++) {
      fleet.advanceTo(k * interval / perRow);
      samples.add(fleet.sample());
    }
    double wall = (System.nanoTime() - started) / 1e9;
    FleetSample end = samples.get(samples.size() - 1);
    RequestLog log = fleet.log();
    RequestLog.LatencySummary all = log.summarize(0, duration, ttftTarget);

    out.printf(Locale.ROOT, "Load       %s%n", source.describe());
    out.printf(Locale.ROOT, "Fleet      %d replica%s, %s router; engine %s%n", replicas, replicas == 1 ? "" : "s",
        fleet.router().name(), describe(engine));
    out.println("   time (s)  arrivals/s  running  waiting  KV usage  preemptions  completed");
    long lastArrivals = 0;
    for (int r = 0; r < rows; r++) {
      FleetSample s = samples.get((r + 1) * perRow - 1);
      out.printf(Locale.ROOT, "  %9.0f  %10.2f  %7d  %7d  %7.1f%%  %11d  %9d%n", s.time(),
          (s.arrivals() - lastArrivals) / interval, s.running(), s.waiting() + s.atRouter(),
          s.meanKvCacheUsage() * 100, s.preemptions(), s.completed());
      lastArrivals = s.arrivals();
    }
    double secondHalfDrift = drift(samples);
    double rate = end.arrivals() / duration;
    boolean stable = secondHalfDrift < 0.01 * rate;
    out.printf(Locale.ROOT, "Requests   %d arrived, %d completed, %d still in the system, %d rejected (longer than the cache)%n",
        end.arrivals(), end.completed(), end.inSystem(), fleet.rejected());
    if (all.requests() > 0) {
      out.printf(Locale.ROOT, "TTFT       P50 %.3f s, P99 %.3f s; %.1f%% under %.1f s (completed requests)%n",
          all.ttftP50(), all.ttftP99(), all.ttftAttainment() * 100, ttftTarget);
      out.printf(Locale.ROOT, "Queue      mean %.3f s, P99 %.3f s;  E2E P50 %.2f s, P99 %.2f s%n",
          all.meanQueueSeconds(), all.queueP99(), all.e2eP50(), all.e2eP99());
    } else {
      out.println("TTFT       no request completed");
    }
    out.printf(Locale.ROOT, "Preempted  %d times (%.0f per hour per replica)%n", end.preemptions(),
        end.preemptions() * 3600.0 / duration / replicas);
    long tokens = 0;
    for (int i = 0; i < log.size(); i++) {
      tokens += log.outputTokens(i);
    }
    out.printf(Locale.ROOT, "Throughput %.3f req/s, %.0f output tokens/s (arrivals %.3f req/s)%n",
        end.completed() / duration, tokens / duration, rate);
    out.printf(Locale.ROOT, "Stable     %s: the number in system drifts %+.4f req/s over the second half "
            + "(threshold 1%% of arrivals, %.4f; one run, no confidence bound)%n",
        stable ? "yes" : "NO", secondHalfDrift, 0.01 * rate);
    out.printf(Locale.ROOT, "Wall time  %.2f s for %.0f simulated seconds%n", wall, duration);
  }

  /** Least-squares slope of the number in system over the second half of the samples. */
  static double drift(List<FleetSample> samples) {
    int from = samples.size() / 2;
    int n = samples.size() - from;
    double mt = 0, mn = 0;
    for (int k = from; k < samples.size(); k++) {
      mt += samples.get(k).time();
      mn += samples.get(k).inSystem();
    }
    mt /= n;
    mn /= n;
    double sxy = 0, sxx = 0;
    for (int k = from; k < samples.size(); k++) {
      double dt = samples.get(k).time() - mt;
      sxy += dt * (samples.get(k).inSystem() - mn);
      sxx += dt * dt;
    }
    return sxy / sxx;
  }
}
