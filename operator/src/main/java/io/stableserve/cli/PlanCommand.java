package io.stableserve.cli;

import io.stableserve.sim.StabilityModels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.sim.SaturatedEngine;
import io.stableserve.solve.Provisioning;
import io.stableserve.solve.Saturation;
import io.stableserve.solve.SchedulerModel;
import io.stableserve.solve.SequenceCapSearch;
import io.stableserve.workload.ArrivalStatistics;
import io.stableserve.workload.TokenMoments;
import io.stableserve.workload.Workload;
import io.stableserve.decide.Mix;
import io.stableserve.decide.TtftSlo;
import io.stableserve.settings.Defaults;
import io.stableserve.settings.Durations;
import io.stableserve.workload.Trace;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code plan}: capacity of one replica and the replicas an arrival rate needs. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Solve the stable region of one replica for a workload, and the replicas an arrival rate needs.",
        "With --variant (repeated, one per GPU type): each variant's stable rate, and the cheapest mix of variants "
            + "for the arrival rate, or per --window of a trace."})
public final class PlanCommand implements Callable<Integer> {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec
  CommandSpec spec;

  @Mixin
  WorkloadOptions workloadOptions = new WorkloadOptions();

  @Mixin
  EngineOptions engineOptions = new EngineOptions();

  @Mixin
  ModelOption model = new ModelOption();

  @Option(names = "--arrival-rate", paramLabel = "L",
      description = "Arrival rate λ in requests per second (default: the trace's own rate, if a trace is given).")
  Double arrivalRate;

  @Mixin
  TargetUtilizationOption targetUtilizationOption = new TargetUtilizationOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--recommend-engine",
      description = "Also search the max_num_seqs that maximises the scheduler model's stable rate, with its gain.")
  boolean recommendEngine;

  @Option(names = "--variant", paramLabel = "KEY=VALUE,...", converter = VariantOption.Converter.class,
      description = {"A variant (a GPU type) the mix may use; repeat for each. Keys: name, cost (per replica-hour), "
          + "min (default 0), max (default " + VariantOption.DEFAULT_MAX + "), engine (h100 or a100, the benchmark's), and the "
          + "engine options without their dashes (kv-tokens, chunk-tokens, step-seconds, step-base, step-per-token, "
          + "step-per-kv-token, max-num-seqs, max-batched-tokens).",
          "e.g. --variant name=h100,engine=h100,cost=4.0,max=8 --variant name=a100,engine=a100,cost=1.8"})
  List<VariantOption> variants = new ArrayList<>();

  @Option(names = "--ttft-target", paramLabel = "S",
      description = "With --variant: the mix also meets a TTFT SLO of S seconds at --ttft-percentile.")
  Double ttftTarget;

  @Option(names = "--ttft-percentile", paramLabel = "P", defaultValue = Defaults.TTFT_PERCENTILE,
      description = "The SLO's TTFT percentile, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double ttftPercentile;

  @Option(names = "--current", paramLabel = "NAME=N,...", split = ",",
      description = "With --variant and a rate: the mix running now; prints whether to move to the cheapest, with the "
          + "start-up cost against the saving over --horizon.")
  Map<String, Integer> current;

  @Option(names = "--window", paramLabel = "DURATION",
      description = "With --variant and a --trace: the mix window by window (e.g. 10m), each decided from the one "
          + "before with the hysteresis between mixes.")
  String window;

  @Option(names = "--startup-time", paramLabel = "DURATION", defaultValue = Defaults.REPLICA_STARTUP_TIME,
      description = "With --variant: how long a new replica is paid for before it serves (default: ${DEFAULT-VALUE}).")
  String startupTime;

  @Option(names = "--horizon", paramLabel = "DURATION", defaultValue = Defaults.MIX_CHANGE_HORIZON,
      description = "With --variant: a mix that is only cheaper is taken when it saves more over this horizon than "
          + "its added replicas cost while they start (default: ${DEFAULT-VALUE}).")
  String horizon;

  @Override
  public Integer call() throws Exception {
    double targetUtilization = targetUtilizationOption.value();
    Workload workload = workloadOptions.workload();
    if (!variants.isEmpty()) {
      return planMix(workload, targetUtilization);
    }
    if (ttftTarget != null || current != null || window != null) {
      throw new IllegalArgumentException("--ttft-target, --current and --window plan a mix: give the variants with --variant");
    }
    EngineConfig engine = engineOptions.engine();
    ModelKind kind = model.kind();
    Optional<Saturation> saturated = kind == ModelKind.SCHEDULER
        ? Optional.of(SaturatedEngine.standard().measure(workload, engine)) : Optional.empty();
    SchedulerModel scheduler = new SchedulerModel(SaturatedEngine.standard()::measure);
    Capacity capacity = saturated.isPresent()
        ? scheduler.solve(workload, engine, saturated.get()) : StabilityModels.of(kind).solve(workload, engine);
    Optional<SequenceCapSearch.Result> recommendation = Optional.empty();
    if (recommendEngine) {
      recommendation = new SequenceCapSearch(scheduler).search(workload, engine);
    }
    Optional<SchedulerModel.Thrashing> thrashing = saturated.map(s -> SchedulerModel.thrashing(workload, engine, s));
    Optional<ArrivalStatistics> arrivals = workload.arrivals();
    Optional<Double> lambda = Optional.ofNullable(arrivalRate).or(() -> arrivals.map(ArrivalStatistics::ratePerSecond));
    Optional<Provisioning> provisioning = lambda.map(l -> Provisioning.plan(capacity, l, targetUtilization));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode root = toJson(workload, engine, capacity, arrivals, provisioning);
      thrashing.ifPresent(t -> root.putObject("thrashing")
          .put("saturatedRate", t.saturatedRate())
          .put("preemptionsPerHour", t.preemptionsPerHour())
          .put("recomputedTokensPerRequest", t.recomputedTokens())
          .put("residentKvTokens", t.residentKvTokens())
          .put("stepSeconds", t.stepSeconds())
          .put("effectiveMemoryArea", t.effectiveArea())
          .put("wastedMemoryArea", t.wastedArea())
          .put("memoryBoundSequences", SchedulerModel.memoryBoundSequences(workload, engine)));
      if (recommendEngine) {
        ObjectNode r = root.putObject("engineRecommendation");
        recommendation.ifPresentOrElse(x -> {
          r.put("setting", "max_num_seqs").put("value", x.maxNumSeqs());
          engine.maxNumSeqs().ifPresent(v -> r.put("currentValue", v));
          r.put("currentStableRate", x.current().stableRate())
              .put("recommendedStableRate", x.recommended().stableRate())
              .put("gain", x.gain())
              .put("memoryBoundSequences", x.memoryBoundSequences());
        }, () -> r.put("setting", "none"));
      }
      out.println(JSON.writeValueAsString(root));
    } else {
      printTable(out, workload, engine, capacity, arrivals, provisioning, thrashing);
      if (recommendEngine) {
        recommendation.ifPresentOrElse(x -> out.printf(
                "Engine          max_num_seqs %d%s: stable rate %.4f req/s instead of %.4f (%+.1f%%); N* = %.1f%n",
                x.maxNumSeqs(), engine.maxNumSeqs().isPresent() ? " (now " + engine.maxNumSeqs().getAsInt() + ")" : "",
                x.recommended().stableRate(), x.current().stableRate(), 100 * x.gain(), x.memoryBoundSequences()),
            () -> out.println("Engine          no max_num_seqs raises the stable rate by more than 2%"));
      }
    }
    out.flush();
    return 0;
  }

  private int planMix(Workload workload, double targetUtilization) throws Exception {
    if (engineOptions.given()) {
      throw new IllegalArgumentException("with --variant each variant names its engine: give the engine options inside "
          + "--variant (e.g. kv-tokens=131072), not as --kv-tokens");
    }
    if (recommendEngine) {
      throw new IllegalArgumentException("--recommend-engine works on one engine, not with --variant");
    }
    Optional<TtftSlo> slo = ttftTarget == null ? Optional.empty() : Optional.of(new TtftSlo(ttftTarget, ttftPercentile));
    VariantPlan plan = new VariantPlan(workload, variants, model.kind(), new VariantPlan.Settings(targetUtilization, slo,
        Durations.parse(startupTime, "--startup-time"), Durations.parse(horizon, "--horizon")));
    PrintWriter out = spec.commandLine().getOut();
    if (window != null) {
      if (!(workload instanceof Trace trace)) {
        throw new IllegalArgumentException("--window cuts a trace: give one with --trace");
      }
      if (current != null || arrivalRate != null) {
        throw new IllegalArgumentException("--window takes each window's rate from the trace and starts from the first "
            + "window's cheapest mix: drop --arrival-rate and --current");
      }
      double seconds = Durations.parse(window, "--window").toMillis() / 1000.0;
      if (json) {
        out.println(JSON.writeValueAsString(plan.windowsJson(trace, seconds)));
      } else {
        plan.printWindows(out, trace, seconds);
      }
    } else {
      double lambda = Optional.ofNullable(arrivalRate)
          .or(() -> workload.arrivals().map(ArrivalStatistics::ratePerSecond))
          .orElseThrow(() -> new IllegalArgumentException("give --arrival-rate (or a trace) for the mix to hold"));
      Optional<Mix> from = Optional.ofNullable(current).map(plan::mixOf);
      if (json) {
        out.println(JSON.writeValueAsString(plan.rateJson(lambda, from)));
      } else {
        plan.printRate(out, lambda, from);
      }
    }
    out.flush();
    return 0;
  }

  static ObjectNode toJson(Workload workload, EngineConfig engine, Capacity capacity,
      Optional<ArrivalStatistics> arrivals, Optional<Provisioning> provisioning) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", capacity.model().name().toLowerCase());
    root.put("workload", workload.describe());
    TokenMoments m = workload.moments();
    ObjectNode tokens = root.putObject("tokens");
    tokens.put("meanPrompt", m.meanPrompt());
    tokens.put("meanOutput", m.meanOutput());
    tokens.put("meanPromptSquare", m.meanPromptSquare());
    tokens.put("meanOutputSquare", m.meanOutputSquare());
    tokens.put("meanPromptTimesOutput", m.meanPromptTimesOutput());
    tokens.put("maxTotal", m.maxTotalTokens());
    tokens.put("meanPrefillChunks", workload.meanPrefillChunks(engine.chunkTokens()));
    root.put("stableRate", capacity.stableRate());
    root.put("memoryArea", capacity.memoryArea());
    root.put("delta", capacity.delta());
    root.put("stabilityBound", capacity.stabilityBound());
    root.put("instabilityBound", capacity.instabilityBound());
    root.put("bottleneck", capacity.bottleneck().name());
    root.put("stepSecondsAtCapacity", capacity.stepSecondsAtCapacity());
    ArrayNode constraints = root.putArray("constraints");
    for (ConstraintRate c : capacity.constraints()) {
      constraints.addObject().put("name", c.constraint().name()).put("rate", c.ratePerSecond());
    }
    arrivals.ifPresent(a -> root.put("burstiness", a.burstiness()).put("traceSeconds", a.windowSeconds()));
    provisioning.ifPresent(p -> root.put("arrivalRate", p.arrivalRate())
        .put("targetUtilization", p.targetUtilization())
        .put("replicas", p.replicas())
        .put("utilization", p.utilization()));
    return root;
  }

  private static void printTable(PrintWriter out, Workload workload, EngineConfig engine, Capacity capacity,
      Optional<ArrivalStatistics> arrivals, Optional<Provisioning> provisioning,
      Optional<SchedulerModel.Thrashing> thrashing) {
    TokenMoments m = workload.moments();
    out.printf("Workload        %s%n", workload.describe());
    out.printf("  E[s] prompt   %.1f tokens    E[o] output %.1f tokens    max s+o %.0f%n",
        m.meanPrompt(), m.meanOutput(), m.maxTotalTokens());
    arrivals.ifPresent(a -> out.printf("  arrivals      %.3f req/s over %.0f s, burstiness (SCV) %.2f%n",
        a.ratePerSecond(), a.windowSeconds(), a.burstiness()));
    out.printf("Engine          M = %d KV tokens, chunk ŝ = %d, step b = %.4g + %.3g·n + %.3g·m s%s%s%n",
        engine.kvCacheTokens(), engine.chunkTokens(), engine.stepTime().baseSeconds(),
        engine.stepTime().secondsPerToken(), engine.stepTime().secondsPerKvToken(),
        engine.maxNumSeqs().isPresent() ? ", max_num_seqs " + engine.maxNumSeqs().getAsInt() : "",
        engine.maxBatchedTokens().isPresent() ? ", max_num_batched_tokens " + engine.maxBatchedTokens().getAsInt() : "");
    out.printf("Model           %s%n", capacity.model().name().toLowerCase());
    out.printf("  memory area   E[g] = %.4g token-steps,  δ = %.4f%n", capacity.memoryArea(), capacity.delta());
    out.println("  constraint                                        stable rate (req/s)");
    ConstraintRate lowest = capacity.constraints().stream()
        .min(java.util.Comparator.comparingDouble(ConstraintRate::ratePerSecond)).orElseThrow();
    for (ConstraintRate c : capacity.constraints()) {
      String mark = c.constraint() == capacity.bottleneck() ? "   <- bottleneck" : "";
      if (c == lowest && c.constraint() != capacity.bottleneck()) {
        mark = "   <- lowest rate";
      }
      out.printf("  %-48s %10.4f%s%n", c.constraint().description(), c.ratePerSecond(), mark);
    }
    out.printf("  stable rate per replica  %.4f req/s, bottleneck %s (step time at capacity %.1f× its base)%n",
        capacity.stableRate(), capacity.bottleneck(),
        capacity.stepSecondsAtCapacity() / engine.stepTime().baseSeconds());
    out.printf("  stable below %.4f, unstable above %.4f req/s;  step time at capacity %.4g s%n",
        capacity.stabilityBound(), capacity.instabilityBound(), capacity.stepSecondsAtCapacity());
    thrashing.ifPresent(t -> out.printf(
        "  saturated     %.4f req/s, %.0f preemptions/h, R = %.0f recomputed tokens per request, "
            + "KV resident %.0f of %d, E[g_eff] = %.4g (W = %.3g), N* = %.1f sequences%n",
        t.saturatedRate(), t.preemptionsPerHour(), t.recomputedTokens(), t.residentKvTokens(), engine.kvCacheTokens(),
        t.effectiveArea(), t.wastedArea(), SchedulerModel.memoryBoundSequences(workload, engine)));
    provisioning.ifPresentOrElse(p -> out.printf(
            "Provisioning    λ = %.4f req/s at ρ = %.2f: %d replica%s, utilisation %.3f%n",
            p.arrivalRate(), p.targetUtilization(), p.replicas(), p.replicas() == 1 ? "" : "s", p.utilization()),
        () -> out.println("Provisioning    give --arrival-rate (or a trace) for a replica count"));
  }
}
