package io.stableserve.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.Provisioning;
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

  @Option(names = "--model", paramLabel = "paper|iterative", defaultValue = "iterative",
      description = "Stability model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--arrival-rate", paramLabel = "L",
      description = "Arrival rate λ in requests per second (default: the trace's own rate, if a trace is given).")
  Double arrivalRate;

  @Option(names = "--target-utilization", paramLabel = "R", defaultValue = "0.9",
      description = "Target utilisation ρ in (0, 1) for provisioning (default: ${DEFAULT-VALUE}).")
  double targetUtilization;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Provisioning.checkTargetUtilization(targetUtilization);
    Workload workload = workloadOptions.workload();
    EngineConfig engine = engineOptions.engine();
    ModelKind kind = ModelKind.parse(model);
    Capacity capacity = kind.model().solve(workload, engine);
    Optional<ArrivalStatistics> arrivals = workload.arrivals();
    Optional<Double> lambda = Optional.ofNullable(arrivalRate).or(() -> arrivals.map(ArrivalStatistics::ratePerSecond));
    Optional<Provisioning> provisioning = lambda.map(l -> Provisioning.plan(capacity, l, targetUtilization));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JSON.writeValueAsString(toJson(workload, engine, capacity, arrivals, provisioning)));
    } else {
      printTable(out, workload, engine, capacity, arrivals, provisioning);
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
      Optional<ArrivalStatistics> arrivals, Optional<Provisioning> provisioning) {
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
    provisioning.ifPresentOrElse(p -> out.printf(
            "Provisioning    λ = %.4f req/s at ρ = %.2f: %d replica%s, utilisation %.3f%n",
            p.arrivalRate(), p.targetUtilization(), p.replicas(), p.replicas() == 1 ? "" : "s", p.utilization()),
        () -> out.println("Provisioning    give --arrival-rate (or a trace) for a replica count"));
  }
}
