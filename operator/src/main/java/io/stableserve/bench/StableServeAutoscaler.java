package io.stableserve.bench;

import io.stableserve.decide.TtftSlo;

import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ScalingBehavior;
import io.stableserve.decide.ScaleToZero;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.observe.GatewayReading;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observation;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.observe.Observer;
import io.stableserve.observe.Signal;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.InMemoryStateStore;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.ServiceSettings;
import io.stableserve.pipeline.StateStore;
import io.stableserve.settings.Defaults;
import io.stableserve.sim.StabilityModels;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * StableServe: the operator's own pipeline ({@link ScalingPipeline}: estimate, engine resolution,
 * the stability model, the preemption correction and the decide step) with the service's memory in
 * an in-memory state store, and the observe stage replaced by what Prometheus would answer about the
 * simulated fleet: over the estimation window (default 5 min, in 30 s sub-intervals), the increase
 * of {@code vllm:request_success_total}, running + waiting at both ends and per sub-interval, the
 * increase of the prompt- and output-length histograms, KV-cache usage and the preemption rate. The
 * engine settings (M, chunk, caps, step-time coefficients) are given, as a user may give them in the
 * spec; every other setting is the InferenceService's default ({@link Defaults}) unless named.
 *
 * <p>Before the window has filled it uses what there is, as a window of that length: the run stands
 * for taking over a service already serving this load, whose history a real Prometheus would hold,
 * and the simulated fleet has none before the run's start. (The operator holds on a window less
 * than half covered, {@link ScalingPipeline#MIN_COVERAGE}; here that would hold through the first
 * 150 s for want of a history the real service has.) With no counter sample yet the observer
 * reports no data and the operator holds. Its first decision starts the scale-down window from the
 * replicas the service has, as a newly created HPA does, so that taking over a running service does
 * not scale it down at once.
 */
public final class StableServeAutoscaler implements Autoscaler {

  public static final String NAME = "StableServe";
  public static final double DEFAULT_TARGET_UTILIZATION = Defaults.targetUtilization();
  public static final double DEFAULT_WINDOW_SECONDS = Defaults.window().toSeconds();
  public static final Duration DEFAULT_SETTLE_TIME = Defaults.settleTime();
  public static final double SUB_INTERVAL_SECONDS = 30;

  private final ServiceSettings settings;
  private final boolean gateway;
  private final boolean exporting;
  private Optional<Integer> exported = Optional.empty();
  private final StateStore<String> memories = new InMemoryStateStore<>();
  private Evaluation last;

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
    this.settings = settings(range, targetUtilization, startupTime, engine, model, settleTime, window(windowSeconds));
    this.gateway = false;
    this.exporting = false;
  }

  /** The metrics window of {@code windowSeconds}, a multiple of 30 s, in 30 s sub-intervals. */
  static ObservationWindow window(double windowSeconds) {
    if (!(windowSeconds >= SUB_INTERVAL_SECONDS) || Math.abs(windowSeconds / SUB_INTERVAL_SECONDS - Math.round(windowSeconds / SUB_INTERVAL_SECONDS)) > 1e-9) {
      throw new IllegalArgumentException("estimation window must be a positive multiple of " + SUB_INTERVAL_SECONDS + " s, got " + windowSeconds);
    }
    return new ObservationWindow(Duration.ofMillis(Math.round(windowSeconds * 1000)), Duration.ofMillis(Math.round(SUB_INTERVAL_SECONDS * 1000)));
  }

  /**
   * The benchmark's StableServe: its settings, the fleet's start-up and engine, and, when the
   * settings name a percentile, an SLO on TTFT at the benchmark's target.
   */
  public static StableServeAutoscaler of(ReplicaRange range, BenchSetup setup) {
    StableServeSettings s = setup.stableServe();
    StableServeAutoscaler a = new StableServeAutoscaler(range, s.targetUtilization(),
        Duration.ofMillis(Math.round(setup.startupSeconds() * 1000)), setup.engine().config(), s.model(), s.windowSeconds(),
        s.scaleUpSettleTime());
    if (s.sloPercentile().isPresent()) {
      a = a.withSlo(new TtftSlo(setup.ttftTargetSeconds(), s.sloPercentile().getAsDouble()));
    }
    return setup.stage().gatewayWaitingLimit().isPresent() ? a.readingTheGateway() : a;
  }

  private StableServeAutoscaler(ServiceSettings settings, boolean gateway, boolean exporting) {
    this.settings = settings;
    this.gateway = gateway;
    this.exporting = exporting;
  }

  /** The same autoscaler with a TTFT objective. */
  public StableServeAutoscaler withSlo(TtftSlo slo) {
    return new StableServeAutoscaler(settings.withPolicy(settings.policy().withSlo(Optional.of(slo))), gateway, exporting);
  }

  /**
   * The same autoscaler allowed to go to zero by {@code rule} (minimum 0), reading the gateway's held
   * requests, as a service with {@code scaleToZero} and a gateway queue query does.
   */
  public StableServeAutoscaler withScaleToZero(ScaleToZero rule) {
    return new StableServeAutoscaler(settings.withPolicy(settings.policy().withScaleToZero(rule)), true, exporting);
  }

  /** The same autoscaler reading a gateway's held requests, as a service with a gateway metrics query does. */
  public StableServeAutoscaler readingTheGateway() {
    return new StableServeAutoscaler(settings, true, exporting);
  }

  /**
   * The same autoscaler in Metric mode, as the operator runs it: its count is only exported, for the
   * caller to apply later, and each decision starts from the count it last exported, not from the
   * replicas the caller has set so far.
   */
  public StableServeAutoscaler exportingTheCount() {
    return new StableServeAutoscaler(settings, gateway, true);
  }

  /**
   * The pipeline's settings the benchmark's StableServe runs with: the defaults, but for what is
   * named, and solvers of its own, so that a run's decisions are the same alone as among others.
   */
  public static ServiceSettings settings(ReplicaRange range, double targetUtilization, Duration startupTime, EngineConfig engine,
      ModelKind model, Duration settleTime, ObservationWindow window) {
    return new ServiceSettings(model, EngineSettings.given(engine),
        new ScalingPolicy(range, targetUtilization, behavior(startupTime, settleTime)), window, new StabilityModels());
  }

  /** The operator's default behaviour with the fleet's start-up time and the named scale-up settle time. */
  static ScalingBehavior behavior(Duration startupTime, Duration settleTime) {
    return ServiceSettings.defaultBehavior().withStartupTime(startupTime).withScaleUpSettleTime(settleTime);
  }

  @Override
  public String name() {
    return NAME;
  }

  ServiceSettings settings() {
    return settings;
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
    ServiceMemory memory = last == null ? ServiceMemory.takingOver(specReplicas, now) : memories.load(NAME);
    Observer observer = new Observer() {
      @Override
      public Observation observe(ObservationWindow window) throws MetricsUnavailableException {
        return StableServeAutoscaler.observe(metrics, window, gateway);
      }

      @Override
      public GatewayReading observeGateway(ObservationWindow window) {
        return gatewayReading(metrics, window);
      }
    };
    last = ScalingPipeline.observeAndEvaluate(observer, settings, memory,
        new ReplicaCounts(exporting ? exported.orElse(specReplicas) : specReplicas, readyReplicas), now);
    memories.store(NAME, memory.after(last, last.decision().scales(), now));
    if (exporting) {
      exported = Optional.of(last.decision().desiredReplicas());
    }
    return last.decision().desiredReplicas();
  }

  /**
   * What the gateway's metrics say: the requests held now and, once the counters cover a
   * sub-interval, the rate requests reached it over the window (the arrivals the replicas' counters
   * show plus the growth of the held queue, which is what the gateway's request counter counts).
   */
  static GatewayReading gatewayReading(FleetMetrics metrics, ObservationWindow config) {
    List<FleetMetrics.Increase> parts = List.of();
    for (double w = config.seconds(); w >= config.resolutionSeconds() && parts.isEmpty(); w -= config.resolutionSeconds()) {
      parts = metrics.increases(w, config.resolutionSeconds());
    }
    OptionalDouble rate = OptionalDouble.empty();
    if (!parts.isEmpty()) {
      double from = parts.get(0).from();
      double to = parts.get(parts.size() - 1).to();
      double arrivals = 0;
      for (FleetMetrics.Increase p : parts) {
        arrivals += p.arrivals();
      }
      arrivals += metrics.countersAt(to).atGateway() - metrics.countersAt(from).atGateway();
      rate = OptionalDouble.of(Math.max(0, arrivals) / (to - from));
    }
    return new GatewayReading(metrics.latestAtRouter(), rate);
  }

  /** What the observe stage would read from Prometheus about the fleet, for the configured window. */
  static Observation observe(FleetMetrics metrics, ObservationWindow config, boolean gateway) throws MetricsUnavailableException {
    double resolution = config.resolutionSeconds();
    List<FleetMetrics.Increase> parts = List.of();
    for (double w = config.seconds(); w >= resolution && parts.isEmpty(); w -= resolution) {
      parts = metrics.increases(w, resolution);
    }
    if (parts.isEmpty()) {
      throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.COMPLETIONS, null,
          "no counter samples cover a sub-interval of the window yet");
    }
    return observation(metrics, parts, gateway);
  }

  /**
   * What the observe stage would have read from Prometheus for this window. Requests held in front of
   * the replicas count as arrivals; with {@code gateway}, the gateway's held count is read as its
   * queue metric too.
   */
  static Observation observation(FleetMetrics metrics, List<FleetMetrics.Increase> parts, boolean gateway) {
    double from = parts.get(0).from();
    double to = parts.get(parts.size() - 1).to();
    FleetMetrics.Counters start = metrics.countersAt(from);
    FleetMetrics.Counters end = metrics.countersAt(to);
    List<Observation.IntervalSample> intervals = new ArrayList<>();
    double completions = 0;
    double preemptions = 0;
    for (FleetMetrics.Increase p : parts) {
      completions += p.completions();
      preemptions += p.preemptions();
      double held = metrics.countersAt(p.to()).atGateway() - metrics.countersAt(p.from()).atGateway();
      intervals.add(Observation.IntervalSample.arrivalsOnly(instant(p.to()), Math.max(0, p.arrivals() + held))
          .withPromptMean(recentPromptMean(List.of(p), 1)));
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
    ObservationWindow observed = new ObservationWindow(Duration.ofMillis(Math.round(seconds * 1000)),
        Duration.ofMillis(Math.round(SUB_INTERVAL_SECONDS * 1000)));
    OptionalDouble perPod = pods == 0 ? OptionalDouble.empty() : OptionalDouble.of(usage / pods);
    return new Observation(instant(to), observed, new VllmMetricNames(VllmMetricNames.Generation.V1, Map.of(), List.of()),
        new Observation.RequestFlow(completions, end.inSystem() + end.atGateway(), OptionalDouble.of(start.inSystem() + start.atGateway()),
            OptionalDouble.empty()),
        new Observation.Occupancy(pods, running, waiting, pods == 0 ? OptionalDouble.empty() : OptionalDouble.of(leastWaiting), perPod,
            gateway ? OptionalDouble.of(end.atGateway()) : OptionalDouble.empty()),
        new Observation.TokenLengths(Optional.of(sum(parts, true)), Optional.of(sum(parts, false)), OptionalDouble.empty(),
            OptionalDouble.empty(), recentPromptMean(parts, ObservationWindow.RECENT_SUB_INTERVALS), sinceLastScrape(metrics)),
        new Observation.EngineSignals(Optional.empty(), OptionalDouble.of(preemptions / seconds), OptionalDouble.empty(),
            OptionalDouble.empty(), OptionalDouble.empty(), ttft(parts)),
        intervals, Duration.ZERO, List.of());
  }

  /** {@link #recentPromptMean} between the newest two counter snapshots, the benchmark's scrapes of the counters. */
  static OptionalDouble sinceLastScrape(FleetMetrics metrics) {
    return metrics.increase(BenchSetup.CONTROL_PERIOD_SECONDS).map(p -> recentPromptMean(List.of(p), 1)).orElse(OptionalDouble.empty());
  }

  /** {@code increase(vllm:prompt_tokens_total)} over the TTFT count, in the window's last {@code intervals} sub-intervals. */
  static OptionalDouble recentPromptMean(List<FleetMetrics.Increase> parts, int intervals) {
    double tokens = 0;
    double started = 0;
    for (FleetMetrics.Increase p : parts.subList(Math.max(0, parts.size() - intervals), parts.size())) {
      if (p.ttft() == null) {
        return OptionalDouble.empty();
      }
      tokens += p.promptTokensStarted();
      started += p.ttft().count();
    }
    return started > 0 ? OptionalDouble.of(tokens / started) : OptionalDouble.empty();
  }

  private static Optional<WindowHistogram> ttft(List<FleetMetrics.Increase> parts) {
    if (parts.stream().anyMatch(p -> p.ttft() == null)) {
      return Optional.empty();
    }
    return Optional.of(add(parts.stream().map(FleetMetrics.Increase::ttft).toList()));
  }

  private static Instant instant(double seconds) {
    return Instant.ofEpochMilli(Math.round(seconds * 1000));
  }

  private static WindowHistogram sum(List<FleetMetrics.Increase> parts, boolean prompt) {
    return add(parts.stream().map(p -> prompt ? p.prompt() : p.output()).toList());
  }

  /** The histograms of consecutive sub-intervals added up: the window's. */
  private static WindowHistogram add(List<WindowHistogram> parts) {
    WindowHistogram first = parts.get(0);
    double[] counts = new double[first.buckets().size()];
    double total = 0, count = 0;
    for (WindowHistogram h : parts) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += h.buckets().get(i).cumulativeCount();
      }
      total += h.sum();
      count += h.count();
    }
    List<WindowHistogram.Bucket> buckets = new ArrayList<>(counts.length);
    for (int i = 0; i < counts.length; i++) {
      buckets.add(new WindowHistogram.Bucket(first.buckets().get(i).upperBound(), counts[i]));
    }
    return new WindowHistogram(first.metric(), buckets, total, count);
  }

}
