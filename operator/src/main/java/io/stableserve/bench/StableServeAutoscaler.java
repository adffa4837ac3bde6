package io.stableserve.bench;

import io.stableserve.decide.ArrivalEstimate;
import io.stableserve.decide.Behavior;
import io.stableserve.decide.Decision;
import io.stableserve.decide.Observation;
import io.stableserve.decide.ReplicaBounds;
import io.stableserve.decide.Recommendation;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StabilizationState;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.estimate.Estimator;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.observe.TokenHistogram;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * StableServe: the operator's own estimate, solve and decide steps ({@link Estimator},
 * {@link EngineSettings}, the stability model, {@link ScalingPolicy}) on the {@code Observation} its
 * observe stage would build from Prometheus: over the estimation window (default 5 min, 30 s
 * sub-intervals), the increase of {@code vllm:request_success_total}, running + waiting at both
 * ends and at each sub-interval, the increase of the prompt- and output-length histograms, KV-cache
 * usage, preemption rate and {@code vllm:cache_config_info}'s M. The engine settings (M, chunk,
 * caps, step-time coefficients) are given, as a user may give them in the InferenceService spec.
 *
 * <p>Before the window has filled it uses what there is; with no completion yet it holds (the
 * operator's rule without metrics). Its first decision starts the scale-down window from the
 * replicas the service has, as a newly created HPA does, so that taking over a running service does
 * not scale it down at once.
 */
public final class StableServeAutoscaler implements Autoscaler {

  public static final String NAME = "StableServe";
  public static final double DEFAULT_TARGET_UTILIZATION = 0.85;
  public static final double DEFAULT_WINDOW_SECONDS = 300;
  public static final double SUB_INTERVAL_SECONDS = 30;

  private final ScalingPolicy policy;
  private final EngineConfig engine;
  private final ModelKind model;
  private final double windowSeconds;
  private StabilizationState state = StabilizationState.empty();
  private Decision last;

  public StableServeAutoscaler(ReplicaRange range, double targetUtilization, Duration startupTime, EngineConfig engine,
      ModelKind model) {
    this(range, targetUtilization, startupTime, engine, model, DEFAULT_WINDOW_SECONDS);
  }

  /** @param windowSeconds the estimation window, a multiple of 30 s (the InferenceService's metrics window) */
  public StableServeAutoscaler(ReplicaRange range, double targetUtilization, Duration startupTime, EngineConfig engine,
      ModelKind model, double windowSeconds) {
    if (!(windowSeconds >= SUB_INTERVAL_SECONDS) || Math.abs(windowSeconds / SUB_INTERVAL_SECONDS - Math.round(windowSeconds / SUB_INTERVAL_SECONDS)) > 1e-9) {
      throw new IllegalArgumentException("estimation window must be a positive multiple of " + SUB_INTERVAL_SECONDS + " s, got " + windowSeconds);
    }
    this.windowSeconds = windowSeconds;
    this.policy = new ScalingPolicy(new ReplicaBounds(range.min(), range.max()), targetUtilization,
        Behavior.defaults().withStartupTime(startupTime));
    this.engine = engine;
    this.model = model;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  /** The last decision, with its reason. */
  public Optional<Decision> lastDecision() {
    return Optional.ofNullable(last);
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    Observation observation = observe(metrics);
    Instant now = Instant.ofEpochMilli(Math.round(metrics.now() * 1000));
    if (last == null) {
      // Taken over a running service: its scale-down window starts from the count it has, as the HPA's does.
      state = new StabilizationState(List.of(new Recommendation(now, specReplicas)), Optional.empty());
    }
    last = policy.decide(now, observation, new ReplicaCounts(specReplicas, readyReplicas), state);
    state = last.state();
    return last.desiredReplicas();
  }

  Observation observe(FleetMetrics metrics) {
    List<FleetMetrics.Increase> parts = List.of();
    for (double w = windowSeconds; w >= SUB_INTERVAL_SECONDS && parts.isEmpty(); w -= SUB_INTERVAL_SECONDS) {
      parts = metrics.increases(w, SUB_INTERVAL_SECONDS);
    }
    if (parts.isEmpty()) {
      return Observation.unavailable("WindowEmpty", "no counter samples cover a sub-interval yet");
    }
    ServiceEstimate estimate = Estimator.estimate(observation(metrics, parts));
    if (estimate.workload().isEmpty()) {
      return Observation.unavailable("NoCompletions", "no request completed in the window: token moments unknown");
    }
    EngineSettings given = new EngineSettings(OptionalLong.of(engine.kvCacheTokens()), OptionalInt.of(engine.chunkTokens()),
        engine.maxNumSeqs(), engine.maxBatchedTokens(), Optional.of(engine.stepTime()));
    EngineConfig resolved;
    try {
      resolved = given.resolve(estimate).config();
    } catch (MetricsUnavailableException e) {
      return Observation.unavailable(e.problem().name(), e.getMessage());
    }
    Capacity capacity = model.model().solve(estimate.workload().get(), resolved);
    return Observation.measured(new ArrivalEstimate(estimate.arrivalRate(), estimate.arrivals().standardError()), capacity);
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
    int pods = 0;
    for (FleetMetrics.PodReading p : metrics.latest()) {
      running += p.running();
      waiting += p.waiting();
      usage += p.kvCacheUsage();
      pods++;
    }
    double seconds = to - from;
    return new io.stableserve.observe.Observation(instant(to), Duration.ofMillis(Math.round(seconds * 1000)),
        Duration.ofMillis(Math.round(SUB_INTERVAL_SECONDS * 1000)), new VllmMetricNames(VllmMetricNames.Generation.V1, Map.of(), List.of()),
        pods, completions, end.inSystem(), OptionalDouble.of(start.inSystem()), OptionalDouble.empty(), running, waiting,
        Optional.of(sum(parts, true)), Optional.of(sum(parts, false)), OptionalDouble.empty(), OptionalDouble.empty(),
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
