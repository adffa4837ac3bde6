package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.api.EngineSpec;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.StabilityModelName;
import io.stableserve.api.StepTimeSpec;
import io.stableserve.decide.RecommendedCount;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.StabilizationState;
import io.stableserve.correct.CapacityCorrection;
import io.stableserve.observe.MetricsConfig;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;
import io.stableserve.observe.TokenHistogram;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.reconcile.Evaluation;
import io.stableserve.reconcile.ServiceEvaluator;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * StableServe: the operator's own evaluation of one InferenceService ({@link ServiceEvaluator}:
 * estimate, engine resolution, the stability model, the preemption correction and the decide step),
 * with the observe stage replaced by what Prometheus would answer about the simulated fleet: over
 * the estimation window (the spec's {@code metrics.window}, default 5 min, in 30 s sub-intervals),
 * the increase of {@code vllm:request_success_total}, running + waiting at both ends and per
 * sub-interval, the increase of the prompt- and output-length histograms, KV-cache usage and the
 * preemption rate. The engine settings (M, chunk, caps, step-time coefficients) are given in the
 * spec, as a user may give them.
 *
 * <p>Before the window has filled it uses what there is; with no counter sample yet the observer
 * reports no data and the operator holds. Its first decision starts the scale-down window from the
 * replicas the service has, as a newly created HPA does, so that taking over a running service does
 * not scale it down at once.
 */
public final class StableServeAutoscaler implements Autoscaler {

  public static final String NAME = "StableServe";
  public static final double DEFAULT_TARGET_UTILIZATION = 0.85;
  public static final double DEFAULT_WINDOW_SECONDS = 300;
  /** The InferenceService's default behavior.scaleUp.settleTime, as the CRD gives it. */
  public static final Duration DEFAULT_SETTLE_TIME = new io.stableserve.api.ScaleUpRules().settleTimeDuration();
  public static final double SUB_INTERVAL_SECONDS = 30;

  private final InferenceServiceSpec spec;
  private final MetricsConfig metricsConfig;
  private StabilizationState state = StabilizationState.empty();
  private Evaluation last;
  private Optional<CapacityCorrection.Measured> rememberedCorrection = Optional.empty();
  private Optional<Instant> lastScale = Optional.empty();
  private FleetMetrics current;
  private final ServiceEvaluator evaluator = new ServiceEvaluator(config -> observe(current, config));

  public StableServeAutoscaler(ReplicaRange range, double targetUtilization, Duration startupTime, EngineConfig engine,
      ModelKind model) {
    this(range, targetUtilization, startupTime, engine, model, DEFAULT_WINDOW_SECONDS, DEFAULT_SETTLE_TIME);
  }

  /**
   * @param windowSeconds the estimation window, a multiple of 30 s (the InferenceService's metrics window)
   * @param settleTime behavior.scaleUp.settleTime
   */
  public StableServeAutoscaler(ReplicaRange range, double targetUtilization, Duration startupTime, EngineConfig engine,
      ModelKind model, double windowSeconds, Duration settleTime) {
    if (!(windowSeconds >= SUB_INTERVAL_SECONDS) || Math.abs(windowSeconds / SUB_INTERVAL_SECONDS - Math.round(windowSeconds / SUB_INTERVAL_SECONDS)) > 1e-9) {
      throw new IllegalArgumentException("estimation window must be a positive multiple of " + SUB_INTERVAL_SECONDS + " s, got " + windowSeconds);
    }
    this.spec = spec(range, targetUtilization, startupTime, engine, model, windowSeconds, settleTime);
    this.metricsConfig = new MetricsConfig(URI.create("http://prometheus.simulated:9090"), Optional.empty(), Optional.empty(), null,
        null, Duration.ofMillis(Math.round(windowSeconds * 1000)), Duration.ofMillis(Math.round(SUB_INTERVAL_SECONDS * 1000)), null, Map.of());
  }

  /** The InferenceService spec the benchmark's StableServe runs with. */
  public static InferenceServiceSpec spec(ReplicaRange range, double targetUtilization, Duration startupTime, EngineConfig engine,
      ModelKind model, double windowSeconds, Duration settleTime) {
    InferenceServiceSpec spec = new InferenceServiceSpec();
    io.stableserve.api.ReplicaBounds replicas = new io.stableserve.api.ReplicaBounds();
    replicas.setMin(range.min());
    replicas.setMax(range.max());
    spec.setReplicas(replicas);
    spec.setTargetUtilization(targetUtilization);
    spec.setModel(StabilityModelName.of(model));
    EngineSpec e = new EngineSpec();
    e.setKvCacheTokens(engine.kvCacheTokens());
    e.setChunkTokens(engine.chunkTokens());
    engine.maxNumSeqs().ifPresent(e::setMaxNumSeqs);
    engine.maxBatchedTokens().ifPresent(e::setMaxBatchedTokens);
    StepTimeSpec step = new StepTimeSpec();
    step.setBaseSeconds(engine.stepTime().baseSeconds());
    step.setSecondsPerToken(engine.stepTime().secondsPerToken());
    step.setSecondsPerKvToken(engine.stepTime().secondsPerKvToken());
    e.setStepTime(step);
    spec.setEngine(e);
    io.stableserve.api.Behavior behavior = new io.stableserve.api.Behavior();
    behavior.setReplicaStartupTime(startupTime.toSeconds() + "s");
    io.stableserve.api.ScaleUpRules up = new io.stableserve.api.ScaleUpRules();
    up.setSettleTime(settleTime.toMillis() + "ms");
    behavior.setScaleUp(up);
    spec.setBehavior(behavior);
    MetricsSpec metrics = new MetricsSpec();
    metrics.setPrometheusUrl("http://prometheus.simulated:9090");
    metrics.setWindow(Math.round(windowSeconds) + "s");
    spec.setMetrics(metrics);
    return spec;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  /** The last evaluation: estimate, capacity with its correction, and the decision with its reason. */
  public Optional<Evaluation> lastEvaluation() {
    return Optional.ofNullable(last);
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    Instant now = Instant.ofEpochMilli(Math.round(metrics.now() * 1000));
    if (last == null) {
      // Taken over a running service: its scale-down window starts from the count it has, as the HPA's does.
      state = new StabilizationState(List.of(new RecommendedCount(now, specReplicas)), Optional.empty());
    }
    current = metrics;
    last = evaluator.evaluate(spec, metricsConfig, new ReplicaCounts(specReplicas, readyReplicas), state, rememberedCorrection,
        lastScale, now);
    state = last.decision().state();
    if (last.decision().scales()) {
      lastScale = Optional.of(now);
    }
    if (last.capacity().isPresent()) {
      // As the operator's status does: the correction applied now, or none.
      rememberedCorrection = last.correctionMeasured();
    }
    return last.decision().desiredReplicas();
  }

  /** What the observe stage would read from Prometheus about the fleet, for the configured window. */
  static io.stableserve.observe.Observation observe(FleetMetrics metrics, MetricsConfig config) throws MetricsUnavailableException {
    double resolution = config.resolution().toMillis() / 1000.0;
    List<FleetMetrics.Increase> parts = List.of();
    for (double w = config.window().toMillis() / 1000.0; w >= resolution && parts.isEmpty(); w -= resolution) {
      parts = metrics.increases(w, resolution);
    }
    if (parts.isEmpty()) {
      throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.COMPLETIONS, null,
          "no counter samples cover a sub-interval of the window yet");
    }
    return observation(metrics, parts);
  }

  /** What the observe stage would have read from Prometheus for this window. */
  static io.stableserve.observe.Observation observation(FleetMetrics metrics, List<FleetMetrics.Increase> parts) {
    double from = parts.get(0).from();
    double to = parts.get(parts.size() - 1).to();
    FleetMetrics.Counters start = metrics.countersAt(from);
    FleetMetrics.Counters end = metrics.countersAt(to);
    List<io.stableserve.observe.Observation.IntervalSample> intervals = new ArrayList<>();
    double completions = 0;
    double preemptions = 0;
    for (FleetMetrics.Increase p : parts) {
      completions += p.completions();
      preemptions += p.preemptions();
      intervals.add(new io.stableserve.observe.Observation.IntervalSample(instant(p.to()), p.arrivals(), OptionalDouble.empty(),
          OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty()));
    }
    double running = 0, waiting = 0, usage = 0;
    double leastWaiting = Double.POSITIVE_INFINITY;
    int pods = 0;
    for (FleetMetrics.PodReading p : metrics.latest()) {
      running += p.running();
      waiting += p.waiting();
      leastWaiting = Math.min(leastWaiting, p.waiting());
      usage += p.kvCacheUsage();
      pods++;
    }
    double seconds = to - from;
    return new io.stableserve.observe.Observation(instant(to), Duration.ofMillis(Math.round(seconds * 1000)),
        Duration.ofMillis(Math.round(SUB_INTERVAL_SECONDS * 1000)), new VllmMetricNames(VllmMetricNames.Generation.V1, Map.of(), List.of()),
        pods, completions, end.inSystem(), OptionalDouble.of(start.inSystem()), OptionalDouble.empty(), running, waiting,
        pods == 0 ? OptionalDouble.empty() : OptionalDouble.of(leastWaiting), Optional.of(sum(parts, true)), Optional.of(sum(parts, false)), OptionalDouble.empty(), OptionalDouble.empty(),
        pods == 0 ? OptionalDouble.empty() : OptionalDouble.of(usage / pods), Optional.empty(), OptionalDouble.of(preemptions / seconds),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), intervals, Duration.ZERO, List.of());
  }

  private static Instant instant(double seconds) {
    return Instant.ofEpochMilli(Math.round(seconds * 1000));
  }

  private static TokenHistogram sum(List<FleetMetrics.Increase> parts, boolean prompt) {
    TokenHistogram first = prompt ? parts.get(0).prompt() : parts.get(0).output();
    double[] counts = new double[first.buckets().size()];
    double total = 0, count = 0;
    for (FleetMetrics.Increase p : parts) {
      TokenHistogram h = prompt ? p.prompt() : p.output();
      for (int i = 0; i < counts.length; i++) {
        counts[i] += h.buckets().get(i).cumulativeCount();
      }
      total += h.sum();
      count += h.count();
    }
    List<TokenHistogram.Bucket> buckets = new ArrayList<>(counts.length);
    for (int i = 0; i < counts.length; i++) {
      buckets.add(new TokenHistogram.Bucket(first.buckets().get(i).upperBound(), counts[i]));
    }
    return new TokenHistogram(first.metric(), buckets, total, count);
  }
}
