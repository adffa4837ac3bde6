package io.stableserve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stableserve.decide.CheapestMix;
import io.stableserve.decide.Mix;
import io.stableserve.decide.MixChange;
import io.stableserve.decide.MixDecision;
import io.stableserve.decide.MixDemand;
import io.stableserve.decide.MixPlan;
import io.stableserve.decide.Queueing;
import io.stableserve.decide.TtftSlo;
import io.stableserve.decide.Variant;
import io.stableserve.settings.Durations;
import io.stableserve.sim.StabilityModels;
import io.stableserve.sim.TtftValidation;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.workload.Trace;
import io.stableserve.workload.Workload;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code plan --variant …}: each variant's stable rate for the workload, and the cheapest mix for
 * an arrival rate, or window by window over a trace with the hysteresis between mixes.
 */
final class VariantPlan {

  /** How the mix is sized: the demand's settings beside the arrival rate. */
  record Settings(double targetUtilization, Optional<TtftSlo> slo, Duration startup, Duration horizon) {}

  private final Workload workload;
  private final List<VariantOption> options;
  private final List<Variant> variants = new ArrayList<>();
  private final List<Capacity> capacities = new ArrayList<>();
  private final Settings settings;
  private final Queueing queueing;

  VariantPlan(Workload workload, List<VariantOption> options, ModelKind kind, Settings settings) {
    this.workload = workload;
    this.options = List.copyOf(options);
    this.settings = settings;
    double prefill = 0;
    for (VariantOption o : options) {
      if (options.stream().filter(x -> x.name().equals(o.name())).count() > 1) {
        throw new IllegalArgumentException("two variants are named " + o.name());
      }
      Capacity capacity = StabilityModels.of(kind).solve(workload, o.engine());
      capacities.add(capacity);
      variants.add(o.variant(capacity.stableRate()));
      // The slowest variant's prefill: one figure for the whole mix keeps the SLO easier with every replica added.
      prefill = Math.max(prefill, workload.meanPrefillChunks(o.engine().chunkTokens()) * capacity.stepSecondsAtCapacity());
    }
    // c_a² at the estimator's timescale (counts of 30 s), as the operator reads it; Poisson without a trace.
    double arrivalScv = workload instanceof Trace trace ? TtftValidation.dispersion(trace.arrivalTimes()) : 1;
    this.queueing = new Queueing(0, arrivalScv, 1, prefill, 1);
  }

  MixDemand demand(double arrivalRate) {
    return new MixDemand(arrivalRate, settings.targetUtilization(), settings.slo(), queueing);
  }

  /** A mix from {@code NAME=N,…}; variants not named have their minimum. */
  Mix mixOf(Map<String, Integer> counts) {
    for (String name : counts.keySet()) {
      if (variants.stream().noneMatch(v -> v.name().equals(name))) {
        throw new IllegalArgumentException("--current names " + name + ", which is not a variant");
      }
    }
    return new Mix(variants.stream().map(v -> counts.getOrDefault(v.name(), v.min())).toList());
  }

  /** One rate: the cheapest mix and, given a current mix, whether to move to it. */
  void printRate(PrintWriter out, double arrivalRate, Optional<Mix> current) {
    printVariants(out);
    MixDemand demand = demand(arrivalRate);
    MixPlan plan = CheapestMix.solve(variants, demand, current.orElse(Mix.of(new int[variants.size()])));
    out.printf(Locale.ROOT, "Mix             λ = %.4f req/s at ρ = %.2f: %.4f req/s of capacity%s%n", arrivalRate,
        settings.targetUtilization(), demand.neededCapacity(),
        settings.slo().map(s -> String.format(Locale.ROOT, ", P%s TTFT ≤ %s s (c_a² %.2f, prefill %.3f s)",
            s.percentileName(), s.targetSeconds(), queueing.arrivalScv(), queueing.prefillSeconds())).orElse(""));
    printMix(out, plan.mix(), demand);
    out.printf("Why             %s%s%n", plan.reachable() ? "" : "UNREACHABLE: ", plan.reason());
    current.ifPresent(c -> {
      MixDecision d = MixChange.decide(variants, demand, c, settings.startup(), settings.horizon());
      out.printf("Change          from %s: %s (%s): %s%n", c.describe(variants),
          d.changes() ? "to " + d.mix().describe(variants) : "hold", d.reason(), d.why());
    });
  }

  ObjectNode rateJson(double arrivalRate, Optional<Mix> current) {
    ObjectNode root = PlanCommand.JSON.createObjectNode();
    root.put("workload", workload.describe());
    variantsJson(root.putArray("variants"));
    MixDemand demand = demand(arrivalRate);
    MixPlan plan = CheapestMix.solve(variants, demand, current.orElse(Mix.of(new int[variants.size()])));
    root.put("arrivalRate", arrivalRate).put("targetUtilization", settings.targetUtilization())
        .put("neededCapacity", demand.neededCapacity());
    mixJson(root, plan.mix(), demand);
    root.put("reachable", plan.reachable()).put("reason", plan.reason());
    current.ifPresent(c -> {
      MixDecision d = MixChange.decide(variants, demand, c, settings.startup(), settings.horizon());
      ObjectNode change = root.putObject("change");
      counts(change.putObject("from"), c);
      counts(change.putObject("to"), d.mix());
      change.put("reason", d.reason().name()).put("why", d.why());
    });
    return root;
  }

  /** One window of a trace and the mix chosen for it. */
  record Window(double start, double seconds, double arrivalRate, MixDecision decision) {}

  /**
   * The trace cut into windows; each window's mix is decided from the one before (the first from
   * the cheapest for it), with the hysteresis between mixes. The token moments, and so each
   * variant's μ_v, are the whole trace's.
   */
  List<Window> windows(Trace trace, double windowSeconds) {
    double[] times = trace.arrivalTimes();
    double first = times[0];
    double span = times[times.length - 1] - first;
    if (!(span > 0)) {
      throw new IllegalArgumentException("the trace's arrivals span no time, so it has no rate per window: give --arrival-rate");
    }
    int count = Math.max(1, (int) Math.ceil(span / windowSeconds));
    List<Window> out = new ArrayList<>();
    Optional<Mix> current = Optional.empty();
    int i = 0;
    for (int k = 0; k < count; k++) {
      double start = k * windowSeconds;
      boolean last = k == count - 1;
      double seconds = last ? span - start : windowSeconds;
      int arrivals = 0;
      // The last window keeps the last arrival, which falls on its end.
      while (i < times.length && (last || times[i] - first < start + windowSeconds)) {
        arrivals++;
        i++;
      }
      MixDemand demand = demand(arrivals / seconds);
      Mix from = current.orElseGet(() -> CheapestMix.solve(variants, demand, Mix.of(new int[variants.size()])).mix());
      MixDecision d = MixChange.decide(variants, demand, from, settings.startup(), settings.horizon());
      out.add(new Window(start, seconds, demand.arrivalRate(), d));
      current = Optional.of(d.mix());
    }
    return out;
  }

  void printWindows(PrintWriter out, Trace trace, double windowSeconds) {
    printVariants(out);
    List<Window> windows = windows(trace, windowSeconds);
    out.printf(Locale.ROOT, "Windows         %s each, ρ = %.2f%s; a new mix repays its start-ups (%s) within %s%n",
        Durations.format(Duration.ofMillis((long) (windowSeconds * 1000))), settings.targetUtilization(),
        settings.slo().map(s -> String.format(Locale.ROOT, ", P%s TTFT ≤ %s s", s.percentileName(), s.targetSeconds())).orElse(""),
        Durations.format(settings.startup()), Durations.format(settings.horizon()));
    out.printf("  %8s %9s  %-28s %9s  %s%n", "start s", "λ req/s", "mix", "cost/h", "decision");
    double cost = 0;
    double hours = 0;
    MixDecision peak = windows.get(0).decision();
    for (Window w : windows) {
      MixDecision d = w.decision();
      out.printf(Locale.ROOT, "  %8.0f %9.3f  %-28s %9.2f  %s%n", w.start(), w.arrivalRate(), d.mix().describe(variants),
          d.costPerHour(), d.reason());
      cost += d.costPerHour() * w.seconds() / 3600;
      hours += w.seconds() / 3600;
      if (d.cheapest().capacity() > peak.cheapest().capacity()) {
        peak = d;
      }
    }
    out.printf(Locale.ROOT, "  cost over the trace %.2f (%.2f/h on average); the cheapest mix for the busiest window, "
        + "%s, held throughout: %.2f (%.2f/h)%n", cost, cost / hours, peak.cheapest().mix().describe(variants),
        peak.cheapest().costPerHour() * hours, peak.cheapest().costPerHour());
  }

  ObjectNode windowsJson(Trace trace, double windowSeconds) {
    ObjectNode root = PlanCommand.JSON.createObjectNode();
    root.put("workload", workload.describe());
    variantsJson(root.putArray("variants"));
    ArrayNode rows = root.putArray("windows");
    for (Window w : windows(trace, windowSeconds)) {
      ObjectNode row = rows.addObject().put("start", w.start()).put("seconds", w.seconds()).put("arrivalRate", w.arrivalRate());
      counts(row.putObject("mix"), w.decision().mix());
      row.put("costPerHour", w.decision().costPerHour()).put("reason", w.decision().reason().name())
          .put("why", w.decision().why());
    }
    return root;
  }

  private void printVariants(PrintWriter out) {
    out.printf("Workload        %s%n", workload.describe());
    out.printf("Variants        %s model%n", capacities.get(0).model().name().toLowerCase(Locale.ROOT));
    out.printf("  %-10s %11s %9s %14s %9s  %s%n", "variant", "μ_v req/s", "cost/h", "cost/(req/s)/h", "replicas", "engine");
    for (int v = 0; v < variants.size(); v++) {
      Variant x = variants.get(v);
      EngineConfig e = options.get(v).engine();
      out.printf(Locale.ROOT, "  %-10s %11.4f %9.2f %14.4f %9s  M = %d KV tokens, chunk %d, step %.3g + %.3g·n + %.3g·m s, bottleneck %s%n",
          x.name(), x.stableRate(), x.costPerHour(), x.costPerCapacity(), x.min() + ".." + x.max(), e.kvCacheTokens(),
          e.chunkTokens(), e.stepTime().baseSeconds(), e.stepTime().secondsPerToken(), e.stepTime().secondsPerKvToken(),
          capacities.get(v).bottleneck());
    }
  }

  private void printMix(PrintWriter out, Mix mix, MixDemand demand) {
    out.printf("  %-10s %9s %15s %9s%n", "variant", "replicas", "capacity req/s", "cost/h");
    for (int v = 0; v < variants.size(); v++) {
      Variant x = variants.get(v);
      out.printf(Locale.ROOT, "  %-10s %9d %15.4f %9.2f%n", x.name(), mix.count(v), mix.count(v) * x.stableRate(),
          mix.count(v) * x.costPerHour());
    }
    out.printf(Locale.ROOT, "  %-10s %9d %15.4f %9.2f   utilisation %.3f%s%n", "total", mix.replicas(), mix.capacity(variants),
        mix.costPerHour(variants), demand.arrivalRate() / mix.capacity(variants),
        settings.slo().map(s -> String.format(Locale.ROOT, ", predicted P%s TTFT %.3f s", s.percentileName(),
            demand.ttft(variants, mix.toArray()))).orElse(""));
  }

  private void variantsJson(ArrayNode array) {
    for (int v = 0; v < variants.size(); v++) {
      Variant x = variants.get(v);
      array.addObject().put("name", x.name()).put("stableRate", x.stableRate()).put("costPerHour", x.costPerHour())
          .put("min", x.min()).put("max", x.max()).put("bottleneck", capacities.get(v).bottleneck().name());
    }
  }

  private void mixJson(ObjectNode root, Mix mix, MixDemand demand) {
    counts(root.putObject("mix"), mix);
    root.put("replicas", mix.replicas()).put("capacity", mix.capacity(variants)).put("costPerHour", mix.costPerHour(variants));
    settings.slo().ifPresent(s -> root.put("predictedTtft", demand.ttft(variants, mix.toArray())));
  }

  private void counts(ObjectNode node, Mix mix) {
    for (int v = 0; v < variants.size(); v++) {
      node.put(variants.get(v).name(), mix.count(v));
    }
  }
}
