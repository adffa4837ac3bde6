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
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code plan}: capacity of one replica and the replicas an arrival rate needs. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Solve the stable region of one replica for a workload, and the replicas an arrival rate needs.")
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

  @Override
  public Integer call() throws Exception {
    double targetUtilization = targetUtilizationOption.value();
    Workload workload = workloadOptions.workload();
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
