package io.stableserve.reconcile;

import io.stableserve.observe.ObservationWindow;

import io.stableserve.testing.Contexts;
import io.stableserve.testing.EngineSpecs;
import io.stableserve.testing.FixedTargets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.actuate.ScaleTargets;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.ReplicaBounds;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.bench.ServiceLoop;
import io.stableserve.bench.StableServeAutoscaler;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.observe.Observation;
import io.stableserve.observe.Observer;
import io.stableserve.observe.prometheus.PrometheusSource;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.ServiceSettings;
import io.stableserve.report.MetricsRecorder;
import io.stableserve.settings.Defaults;
import io.stableserve.solve.EngineConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The operator's reconciler, the {@code observe} command and the benchmark's StableServe, fed one
 * recorded observation with the same settings (the defaults, the engine given) and no memory,
 * reach the same decision: they all run the one pipeline.
 */
class SameDecisionTest {

  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final int REPLICAS = 2;
  static final int MAX = 100;

  record Seen(int desired, String reason) {}

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void theOperatorObserveAndTheBenchmarkDecideAlike(int which) throws Exception {
    ServiceLoop.Service service = ServiceLoop.create(4, 11).services().get(which);
    EngineConfig engine = ServiceLoop.engineOf(service);
    Observation recorded = ServiceLoop.observation(service, NOW);
    Function<PrometheusSource, Observer> replay = source -> window -> recorded;

    Seen operator = operator(engine, replay);
    Seen observe = observe(engine, replay);
    Seen bench = bench(engine, recorded);

    assertThat(observe).as("observe against the operator").isEqualTo(operator);
    assertThat(bench).as("bench against the operator").isEqualTo(operator);
  }

  static Seen operator(EngineConfig engine, Function<PrometheusSource, Observer> replay) {
    List<Integer> written = new ArrayList<>();
    ScaleTargets targets = FixedTargets.at(REPLICAS, written::add);
    InferenceServiceReconciler reconciler = new InferenceServiceReconciler(targets, replay, (ns, ref) -> "",
        (about, type, reason, message) -> { }, new MetricsRecorder(new PrometheusRegistry()), EngineAdvisor.none(),
        (service, context) -> { }, Clock.fixed(NOW, ZoneOffset.UTC));
    InferenceService svc = new InferenceService();
    svc.getMetadata().setName("llama");
    svc.getMetadata().setNamespace("llm");
    svc.getMetadata().setGeneration(1L);
    svc.setSpec(spec(engine));
    reconciler.reconcile(svc, Contexts.notDeleted());
    int desired = svc.getStatus().getDesiredReplicas();
    assertThat(written).as("Enforce mode writes what it decided, once, when it scales")
        .isEqualTo(desired == REPLICAS ? List.of() : List.of(desired));
    return new Seen(desired, svc.getStatus().getLastDecision().getReason());
  }

  static Seen observe(EngineConfig engine, Function<PrometheusSource, Observer> replay) throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new io.stableserve.cli.ObserveCommand(replay, Clock.fixed(NOW, ZoneOffset.UTC)));
    cli.setOut(new PrintWriter(out));
    List<String> args = new ArrayList<>(List.of("--prometheus", "http://prometheus.recorded:9090", "--json",
        "--current-replicas", String.valueOf(REPLICAS), "--max-replicas", String.valueOf(MAX),
        "--kv-tokens", String.valueOf(engine.kvCacheTokens()), "--chunk-tokens", String.valueOf(engine.chunkTokens()),
        "--step-base", fmt(engine.stepTime().baseSeconds()), "--step-per-token", fmt(engine.stepTime().secondsPerToken()),
        "--step-per-kv-token", fmt(engine.stepTime().secondsPerKvToken())));
    engine.maxNumSeqs().ifPresent(v -> args.addAll(List.of("--max-num-seqs", String.valueOf(v))));
    engine.maxBatchedTokens().ifPresent(v -> args.addAll(List.of("--max-batched-tokens", String.valueOf(v))));
    int exit = cli.execute(args.toArray(String[]::new));
    assertThat(exit).as(out.toString()).isZero();
    JsonNode decision = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString()).get("decision");
    return new Seen(decision.get("desiredReplicas").asInt(), decision.get("reason").asText());
  }

  static Seen bench(EngineConfig engine, Observation recorded) {
    ServiceSettings settings = StableServeAutoscaler.settings(new ReplicaRange(1, MAX), Defaults.targetUtilization(),
        Defaults.replicaStartupTime(), engine, ServiceSettings.defaultModel(), Defaults.settleTime(),
        ObservationWindow.of(Defaults.window()));
    Evaluation e = ScalingPipeline.evaluate(recorded, settings, ServiceMemory.empty(), ReplicaCounts.allReady(REPLICAS), NOW);
    return new Seen(e.decision().desiredReplicas(), e.decision().reason().machineName());
  }

  static InferenceServiceSpec spec(EngineConfig engine) {
    InferenceServiceSpec spec = new InferenceServiceSpec();
    spec.setScaleTargetRef(new ScaleTargetRef("apps/v1", "Deployment", "llama"));
    ReplicaBounds replicas = new ReplicaBounds();
    replicas.setMax(MAX);
    spec.setReplicas(replicas);
    spec.setEngine(EngineSpecs.given(engine));
    MetricsSpec metrics = new MetricsSpec();
    metrics.setPrometheusUrl("http://prometheus.recorded:9090");
    spec.setMetrics(metrics);
    return spec;
  }

  /** Exactly as the command line reads it back. */
  static String fmt(double v) {
    return Double.toString(v);
  }

  static {
    Locale.setDefault(Locale.ROOT);
  }
}
