package io.stableserve.cli;

import io.stableserve.observe.Observation;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.ServiceSettings;
import io.stableserve.settings.Defaults;
import io.stableserve.settings.Durations;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stableserve.decide.Decision;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.TtftSlo;
import io.stableserve.correct.TtftCalibration;
import io.stableserve.settings.DurationBounds;
import io.stableserve.estimate.ArrivalEstimate;
import io.stableserve.estimate.BinnedLengths;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.estimate.EngineSettings.ResolvedEngine;
import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.estimate.StepTimeEstimate;
import io.stableserve.observe.prometheus.PrometheusSource;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observer;
import io.stableserve.observe.prometheus.PrometheusObserver;
import io.stableserve.observe.Signal;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.workload.TokenMoments;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code observe}: one pass of the operator's pipeline (observe → estimate → solve → decide)
 * against any Prometheus, with no cluster, printing what the operator would see and do.
 */
@Command(name = "observe", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Read a vLLM service's metrics from Prometheus once and print what StableServe would see and do: "
            + "arrival rate, token moments, KV-cache size, step time, stable rate per constraint, utilisation, "
            + "bottleneck and replicas, and which vLLM metric names were found.",
        "Exit status: 0 with a decision, 3 when the metrics are unavailable (the reason is printed), 2 for bad options."})
public final class ObserveCommand implements Callable<Integer> {

  /** Exit status when the metrics cannot be read. */
  public static final int METRICS_UNAVAILABLE = 3;

  @Spec
  CommandSpec spec;

  @Option(names = "--prometheus", required = true, paramLabel = "URL",
      description = "Prometheus base URL, e.g. http://prometheus.monitoring:9090.")
  URI prometheus;

  @Option(names = "--selector", defaultValue = "", paramLabel = "MATCHERS",
      description = "Label matchers of the service's series, e.g. 'model_name=\"meta-llama/Llama-3.1-8B\",namespace=\"llm\"'.")
  String selector;

  @Option(names = "--window", defaultValue = Defaults.WINDOW, paramLabel = "DURATION",
      description = "Estimation window (default: ${DEFAULT-VALUE}).")
  String window;

  @Option(names = "--resolution", paramLabel = "DURATION",
      description = "Sub-interval for the error of λ̂, burstiness and the step-time fit (default: window / 10); at least 2 scrape intervals.")
  String resolution;

  @Option(names = "--timeout", defaultValue = Defaults.METRICS_TIMEOUT, paramLabel = "DURATION", description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--max-staleness", defaultValue = "90s", paramLabel = "DURATION",
      description = "Oldest acceptable newest sample (default: ${DEFAULT-VALUE}).")
  String maxStaleness;

  @Option(names = "--bearer-token-file", paramLabel = "FILE", description = "File holding a bearer token for Prometheus.")
  Path bearerTokenFile;

  @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM file of the CA that signs Prometheus's TLS certificate.")
  Path caFile;

  @Option(names = "--query", paramLabel = "SIGNAL=PROMQL",
      description = "Replace a signal's PromQL ($selector and $window are substituted), e.g. "
          + "'arrivals=sum(rate(gateway_requests_total{$selector}[$window]))'. Signals: "
          + "arrivals, completions, in-system, running, waiting, prompt-tokens, output-tokens, kv-cache-usage, "
          + "kv-cache-tokens, preemptions, steps, tokens-per-step, step-seconds, replicas.")
  Map<String, String> queries = new LinkedHashMap<>();

  @Mixin
  EngineOptions engineOptions = new EngineOptions();

  @Mixin
  ModelOption model = new ModelOption();

  @Mixin
  TargetUtilizationOption targetUtilization = new TargetUtilizationOption();

  @Option(names = "--min-replicas", defaultValue = Defaults.MIN_REPLICAS, paramLabel = "N", description = "Fewest replicas (default: ${DEFAULT-VALUE}).")
  int minReplicas;

  @Option(names = "--max-replicas", defaultValue = "100", paramLabel = "N", description = "Most replicas (default: ${DEFAULT-VALUE}).")
  int maxReplicas;

  @Option(names = "--current-replicas", paramLabel = "N",
      description = "Replicas the service has now (default: the engines seen in the metrics).")
  Integer currentReplicas;

  @Option(names = "--ttft-target", paramLabel = "DURATION",
      description = "The service's TTFT objective (spec.slo.ttft.target, " + DurationBounds.TTFT_TARGET_MIN + " to "
          + DurationBounds.TTFT_TARGET_MAX + "): the count is then the fewest replicas whose predicted TTFT percentile meets it, "
          + "never fewer than at the target utilisation.")
  String ttftTarget;

  @Option(names = "--ttft-percentile", paramLabel = "P",
      description = "The percentile of --ttft-target, strictly between 0 and 1 (default: " + Defaults.TTFT_PERCENTILE + ").")
  Double ttftPercentile;

  @Option(names = "--json", description = "Print one JSON object instead of a report.")
  boolean json;

  private final Function<PrometheusSource, Observer> observers;
  private final Clock clock;

  public ObserveCommand() {
    this(PrometheusObserver::new, Clock.systemUTC());
  }

  /** @param observers the observe stage for a Prometheus source (tests replay a recorded observation) */
  public ObserveCommand(Function<PrometheusSource, Observer> observers, Clock clock) {
    this.observers = observers;
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    double rho = targetUtilization.value();
    PrometheusSource source = source();
    ObservationWindow window = window();
    ServiceSettings settings = new ServiceSettings(model.kind(), engineOptions.settings(),
        new ScalingPolicy(new ReplicaRange(minReplicas, maxReplicas), rho, ServiceSettings.defaultBehavior()).withSlo(slo()), window);
    PrintWriter out = spec.commandLine().getOut();
    Instant now = clock.instant();

    // One pass with no history: a service met for the first time, its replicas steady over the window.
    Evaluation evaluation;
    try {
      Observation observation = observers.apply(source).observe(window);
      int current = currentReplicas != null ? currentReplicas : Math.max(observation.occupancy().replicas(), 0);
      evaluation = ScalingPipeline.evaluate(observation, settings, ServiceMemory.empty(), ReplicaCounts.allReady(current), now);
    } catch (MetricsUnavailableException e) {
      int current = currentReplicas != null ? currentReplicas : minReplicas;
      evaluation = ScalingPipeline.unavailable(Evaluation.MetricsFailure.of(e), settings, ServiceMemory.empty(),
          ReplicaCounts.allReady(current), now);
    }
    Report report = new Report(source, window, evaluation, settings.policy().slo());
    if (json) {
      out.println(PlanCommand.JSON.writeValueAsString(report.toJson(rho)));
    } else {
      report.print(out, rho);
    }
    out.flush();
    return evaluation.metricsFailure().isPresent() ? METRICS_UNAVAILABLE : 0;
  }

  /** The TTFT objective the options name, as the spec's {@code slo.ttft} would give it (the default drain time). */
  Optional<TtftSlo> slo() {
    if (ttftTarget == null) {
      if (ttftPercentile != null) {
        throw new IllegalArgumentException("--ttft-percentile needs --ttft-target, the TTFT it is the percentile of, e.g. --ttft-target 2s");
      }
      return Optional.empty();
    }
    double target = Durations.parse(ttftTarget, "--ttft-target", DurationBounds.TTFT_TARGET_MIN, DurationBounds.TTFT_TARGET_MAX)
        .toMillis() / 1000.0;
    double percentile = ttftPercentile != null ? ttftPercentile : Defaults.ttftPercentile();
    try {
      return Optional.of(new TtftSlo(target, percentile, Defaults.ttftDrainTime().toMillis() / 1000.0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--ttft-percentile: " + e.getMessage(), e);
    }
  }

  ObservationWindow window() {
    ObservationWindow w = ObservationWindow.of(Durations.parse(window, "--window"));
    return resolution == null ? w : w.withResolution(Durations.parse(resolution, "--resolution"));
  }

  PrometheusSource source() throws IOException {
    PrometheusSource source = PrometheusSource.of(prometheus, selector)
        .withTimeout(Durations.parse(timeout, "--timeout"))
        .withMaxStaleness(Durations.parse(maxStaleness, "--max-staleness"));
    if (bearerTokenFile != null) {
      source = source.withBearerToken(Files.readString(bearerTokenFile).strip());
    }
    if (caFile != null) {
      source = source.withCaCertificatePem(Files.readString(caFile));
    }
    for (Map.Entry<String, String> q : queries.entrySet()) {
      source = source.withOverride(Signal.parse(q.getKey()), q.getValue());
    }
    return source;
  }

  /** What one pass found, and its printing. */
  private static final class Report {
    final PrometheusSource config;
    final ObservationWindow window;
    final ServiceEstimate estimate;
    final ResolvedEngine engine;
    final Capacity capacity;
    final CorrectedCapacity corrected;
    final Evaluation.MetricsFailure unavailable;
    final Decision decision;
    final Optional<TtftSlo> slo;
    final Optional<TtftCalibration> calibration;

    Report(PrometheusSource config, ObservationWindow window, Evaluation e, Optional<TtftSlo> slo) {
      this.config = config;
      this.window = window;
      this.estimate = e.estimate().orElse(null);
      this.engine = e.engine().orElse(null);
      this.corrected = e.capacity().orElse(null);
      this.capacity = e.capacity().map(CorrectedCapacity::capacity).orElse(null);
      this.unavailable = e.metricsFailure().orElse(null);
      this.decision = e.decision();
      this.slo = slo;
      this.calibration = e.ttft();
    }

    void print(PrintWriter out, double rho) {
      out.printf("Prometheus      %s  selector {%s}  window %s%s%n", config.prometheusUrl(), config.selector(),
          PrometheusSource.promDuration(window.length()), estimate == null ? "" : "  at " + estimate.at());
      if (estimate != null) {
        ServiceEstimate e = estimate;
        out.printf("vLLM metrics    %s names: %s%n", e.metricNames().generation(), e.metricNames().found().entrySet().stream()
            .map(f -> f.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-') + "=" + f.getValue()).collect(Collectors.joining(", ")));
        if (!e.metricNames().missing().isEmpty()) {
          out.printf("  not found     %s%n", e.metricNames().missing().stream().map(Signal::description).collect(Collectors.joining(", ")));
        }
        ArrivalEstimate a = e.arrivals();
        out.printf("Arrivals        λ̂ = %.4g req/s ± %.2g (1σ, %s; 95%% band %.4g–%.4g)%s%n", a.ratePerSecond(), a.standardError(),
            a.basis() == ArrivalEstimate.UncertaintyBasis.SUB_INTERVALS ? "spread of sub-intervals" : "Poisson", a.lower95(), a.upper95(),
            a.source() == ArrivalEstimate.Source.OVERRIDE ? "  [override]" : "");
        out.printf("  = completions %.4g/s + backlog growth %+.3g/s;  burstiness (index of dispersion) %s%n", a.completionsPerSecond(),
            a.backlogGrowthPerSecond(), a.burstiness().isPresent() ? String.format("%.2f", a.burstiness().getAsDouble()) : "not measurable");
        out.printf("Load now        replicas seen %d, running %.0f, waiting %.0f, KV-cache usage %s, preemptions %s%n", e.replicas(),
            e.running(), e.waiting(), e.kvCacheUsage().isPresent() ? String.format("%.3f", e.kvCacheUsage().getAsDouble()) : "unknown",
            e.preemptionsPerSecond().isPresent() ? String.format("%.3g/s", e.preemptionsPerSecond().getAsDouble()) : "unknown");
        e.workload().ifPresentOrElse(w -> printTokens(out, w), () -> out.println("Tokens          unknown (no request completed in the window)"));
        e.stepTime().ifPresent(s -> out.printf("Step time       observed mean %.4g s; %s%n", s.meanStepSeconds(), s.note()));
        if (engine == null) {
          e.kvCache().ifPresent(k -> out.printf("KV cache        M = %d tokens per replica (%s)%n", k.tokensPerReplica(), k.how()));
        }
      }
      if (engine != null) {
        EngineConfig c = engine.config();
        StepTimeModel st = c.stepTime();
        out.printf("Engine          M = %d KV tokens (%s%s), chunk ŝ = %d (%s)%n", c.kvCacheTokens(), word(engine.kvCacheTokens()),
            estimate.kvCache().filter(k -> engine.kvCacheTokens() == io.stableserve.estimate.Provenance.OBSERVED)
                .map(k -> ": " + k.how()).orElse(""), c.chunkTokens(), word(engine.chunkTokens()));
        out.printf("  step time     b = %.4g s + %.3g s·n + %.3g s·m (%s%s)%s%s%n", st.baseSeconds(), st.secondsPerToken(), st.secondsPerKvToken(),
            word(engine.stepTime()), engine.stepTimeMethod().map(m -> ", " + m.name().toLowerCase(Locale.ROOT).replace('_', ' ')).orElse(""),
            c.maxNumSeqs().isPresent() ? ", max_num_seqs " + c.maxNumSeqs().getAsInt() : "",
            c.maxBatchedTokens().isPresent() ? ", max_num_batched_tokens " + c.maxBatchedTokens().getAsInt() : "");
      }
      if (capacity != null) {
        out.printf("Model           %s: E[g] = %.4g token-steps, δ = %.4f%n", capacity.model().name().toLowerCase(Locale.ROOT),
            capacity.memoryArea(), capacity.delta());
        out.println("  constraint                                        stable rate per replica (req/s)");
        for (ConstraintRate r : capacity.constraints()) {
          out.printf("  %-48s %10.4f%s%n", r.constraint().description(), r.ratePerSecond(),
              r.constraint() == capacity.bottleneck() ? "   <- binds" : "");
        }
        out.printf("  μ̂ = %.4g req/s per replica (bottleneck %s); ρ now = λ̂ / (%d·μ̂) = %.3f%n", capacity.stableRate(),
            capacity.bottleneck(), decision.currentReplicas(),
            decision.currentReplicas() == 0 ? Double.NaN : estimate.arrivalRate() / (decision.currentReplicas() * capacity.stableRate()));
        if (corrected.factor() < 1) {
          out.printf("  corrected     μ̂ = %.3f × the model's %.4g req/s: %s%n", corrected.factor(), corrected.model().stableRate(),
              corrected.explanation());
        } else if (estimate.preempting()) {
          out.printf("  preemptions   %.3g/s: %s%n", estimate.preemptionsPerSecond().getAsDouble(), corrected.explanation());
        }
      }
      if (unavailable != null) {
        out.printf("Metrics         unavailable: %s: %s%n", unavailable.reason(), unavailable.message());
      }
      if (engine != null) {
        String stepNote = estimate.stepTime().map(StepTimeEstimate::note).orElse("");
        engine.notes().stream().filter(n -> !n.equals(stepNote)).forEach(n -> out.printf("  note          %s%n", n));
      }
      if (estimate != null) {
        estimate.notes().forEach(n -> out.printf("  note          %s%n", n));
      }
      slo.ifPresent(o -> {
        out.printf("SLO             P%s TTFT ≤ %.3g s: predicted %s at %d replicas%n", o.percentileName(), o.targetSeconds(),
            decision.predictedTtftSeconds().isPresent() ? String.format(Locale.ROOT, "%.3g s", decision.predictedTtftSeconds().getAsDouble())
                : "nothing (no capacity to predict from)", decision.desiredReplicas());
        calibration.ifPresent(c -> out.printf("  calibration   k = %.3g%s%n", c.factor(), c.observedSeconds().isPresent()
            ? String.format(Locale.ROOT, " (observed %.3g s against %.3g s predicted at k = 1)", c.observedSeconds().getAsDouble(),
                c.predictedSeconds().orElse(Double.NaN))
            : ", not learnt: no TTFT histogram in the window, or a window that does not say what the steady state gives"));
      });
      out.printf("Decision        %d -> %d replicas at ρ = %.2f (%s): %s%n", decision.currentReplicas(), decision.desiredReplicas(), rho,
          decision.reason().machineName(), decision.message());
      out.printf("  stability     %s%n", decision.stabilityMessage());
    }

    private static void printTokens(PrintWriter out, WorkloadEstimate w) {
      TokenMoments m = w.moments();
      out.printf("Tokens          over %.0f requests (histogram buckets; E[s·o] assumes independence)%n", w.prompt().requests());
      line(out, "prompt s", w.prompt());
      line(out, "output o", w.output());
      out.printf("  E[s·o] %.4g, largest s+o %.0f tokens%n", m.meanPromptTimesOutput(), m.maxTotalTokens());
    }

    private static void line(PrintWriter out, String what, BinnedLengths b) {
      out.printf("  %-9s E = %.1f ± %.2g   E[²] = %.4g (bounds %.4g–%s)%n", what, b.mean(), b.meanStandardError(), b.meanSquare(),
          b.meanSquareLowerBound(), b.meanSquareUpperBound().isPresent() ? String.format("%.4g", b.meanSquareUpperBound().getAsDouble()) : "unbounded");
    }

    private static String word(io.stableserve.estimate.Provenance p) {
      return p.name().toLowerCase(Locale.ROOT);
    }

    ObjectNode toJson(double rho) {
      ObjectNode root = PlanCommand.JSON.createObjectNode();
      root.put("prometheus", config.prometheusUrl().toString());
      root.put("selector", config.selector());
      root.put("windowSeconds", window.seconds());
      root.put("targetUtilization", rho);
      if (unavailable != null) {
        ObjectNode u = root.putObject("metricsUnavailable");
        u.put("reason", unavailable.reason());
        u.put("message", unavailable.message());
        unavailable.signal().ifPresent(s -> u.put("signal", s.name()));
      }
      if (estimate != null) {
        ServiceEstimate e = estimate;
        root.put("at", e.at().toString());
        ObjectNode names = root.putObject("vllmMetrics");
        names.put("generation", e.metricNames().generation().name());
        ObjectNode found = names.putObject("found");
        e.metricNames().found().forEach((k, v) -> found.put(k.name(), v));
        ArrayNode missing = names.putArray("missing");
        e.metricNames().missing().forEach(s -> missing.add(s.name()));
        ArrivalEstimate a = e.arrivals();
        ObjectNode arrivals = root.putObject("arrivals");
        arrivals.put("rate", a.ratePerSecond());
        arrivals.put("standardError", a.standardError());
        arrivals.put("basis", a.basis().name());
        arrivals.put("source", a.source().name());
        arrivals.put("lower95", a.lower95());
        arrivals.put("upper95", a.upper95());
        arrivals.put("completionRate", a.completionsPerSecond());
        arrivals.put("backlogGrowthRate", a.backlogGrowthPerSecond());
        if (a.burstiness().isPresent()) {
          arrivals.put("burstiness", a.burstiness().getAsDouble());
        }
        root.put("replicasSeen", e.replicas());
        root.put("running", e.running());
        root.put("waiting", e.waiting());
        e.kvCacheUsage().ifPresent(v -> root.put("kvCacheUsage", v));
        e.preemptionsPerSecond().ifPresent(v -> root.put("preemptionRate", v));
        e.workload().ifPresent(w -> {
          TokenMoments m = w.moments();
          ObjectNode t = root.putObject("tokens");
          t.put("requests", w.prompt().requests());
          t.put("meanPrompt", m.meanPrompt());
          t.put("meanPromptSquare", m.meanPromptSquare());
          t.put("meanPromptSquareLower", w.prompt().meanSquareLowerBound());
          w.prompt().meanSquareUpperBound().ifPresent(v -> t.put("meanPromptSquareUpper", v));
          t.put("meanOutput", m.meanOutput());
          t.put("meanOutputSquare", m.meanOutputSquare());
          t.put("meanOutputSquareLower", w.output().meanSquareLowerBound());
          w.output().meanSquareUpperBound().ifPresent(v -> t.put("meanOutputSquareUpper", v));
          t.put("meanPromptTimesOutput", m.meanPromptTimesOutput());
          t.put("maxTotal", m.maxTotalTokens());
        });
        e.stepTime().ifPresent(s -> {
          ObjectNode st = root.putObject("observedStepTime");
          st.put("method", s.method().name());
          st.put("meanSeconds", s.meanStepSeconds());
          st.put("samples", s.samples());
          s.rSquared().ifPresent(r -> st.put("rSquared", r));
          st.put("note", s.note());
        });
        ArrayNode notes = root.putArray("notes");
        e.notes().forEach(notes::add);
      }
      if (engine != null) {
        EngineConfig c = engine.config();
        ObjectNode en = root.putObject("engine");
        en.put("kvCacheTokens", c.kvCacheTokens());
        en.put("kvCacheTokensFrom", engine.kvCacheTokens().name());
        en.put("chunkTokens", c.chunkTokens());
        en.put("chunkTokensFrom", engine.chunkTokens().name());
        en.put("stepBase", c.stepTime().baseSeconds());
        en.put("stepPerToken", c.stepTime().secondsPerToken());
        en.put("stepPerKvToken", c.stepTime().secondsPerKvToken());
        en.put("stepTimeFrom", engine.stepTime().name());
        c.maxNumSeqs().ifPresent(v -> en.put("maxNumSeqs", v));
        c.maxBatchedTokens().ifPresent(v -> en.put("maxBatchedTokens", v));
        ArrayNode notes = en.putArray("notes");
        engine.notes().forEach(notes::add);
      }
      if (capacity != null) {
        ObjectNode cap = root.putObject("capacity");
        cap.put("model", capacity.model().name().toLowerCase(Locale.ROOT));
        cap.put("modelStableRate", corrected.model().stableRate());
        cap.put("correctionFactor", corrected.factor());
        cap.put("capacitySource", corrected.source().name());
        cap.put("correction", corrected.explanation());
        cap.put("stableRate", capacity.stableRate());
        cap.put("stabilityBound", capacity.stabilityBound());
        cap.put("instabilityBound", capacity.instabilityBound());
        cap.put("bottleneck", capacity.bottleneck().name());
        cap.put("memoryArea", capacity.memoryArea());
        cap.put("delta", capacity.delta());
        cap.put("stepSecondsAtCapacity", capacity.stepSecondsAtCapacity());
        ArrayNode cs = cap.putArray("constraints");
        for (ConstraintRate r : capacity.constraints()) {
          cs.addObject().put("name", r.constraint().name()).put("rate", r.ratePerSecond());
        }
      }
      ObjectNode d = root.putObject("decision");
      d.put("currentReplicas", decision.currentReplicas());
      d.put("desiredReplicas", decision.desiredReplicas());
      d.put("reason", decision.reason().machineName());
      d.put("message", decision.message());
      decision.modelReplicas().ifPresent(v -> d.put("modelReplicas", v));
      decision.utilization().ifPresent(v -> d.put("utilization", v));
      d.put("stability", decision.stability().machineName());
      d.put("stabilityMessage", decision.stabilityMessage());
      decision.predictedTtftSeconds().ifPresent(v -> d.put("predictedTtftSeconds", v));
      slo.ifPresent(o -> {
        ObjectNode t = root.putObject("slo");
        t.put("ttftTargetSeconds", o.targetSeconds());
        t.put("percentile", o.percentile());
        calibration.ifPresent(c -> {
          t.put("calibrationFactor", c.factor());
          c.observedSeconds().ifPresent(v -> t.put("observedTtftSeconds", v));
          c.predictedSeconds().ifPresent(v -> t.put("predictedTtftSecondsAtFactorOne", v));
        });
      });
      return root;
    }
  }
}
