package io.stableserve.pipeline;

import io.stableserve.correct.TtftCalibration;
import io.stableserve.decide.Queueing;
import io.stableserve.decide.TtftSlo;
import io.stableserve.solve.TtftApproximation;

import io.stableserve.correct.CapacityCorrection;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.correct.ThroughputSignals;
import io.stableserve.decide.ArrivalRate;
import io.stableserve.decide.Decision;
import io.stableserve.decide.LoadReading;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ScalingLimit;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StartupTime;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.estimate.EngineSettings.ResolvedEngine;
import io.stableserve.estimate.Estimator;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.observe.GatewayReading;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observation;
import io.stableserve.observe.Observer;
import io.stableserve.solve.Capacity;
import io.stableserve.decide.Mix;
import io.stableserve.decide.MixMove;
import io.stableserve.decide.MixDecision;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.Variant;
import io.stableserve.decide.VariantStall;
import io.stableserve.settings.Defaults;
import io.stableserve.settings.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The autoscaler's one chain for one service: observe → estimate → solve → correct → decide. The
 * operator's reconciler, the {@code observe} command, the benchmark and JMH all call it; actuation
 * and reporting are theirs. Only the observer does I/O; the rest is pure, so the same observation,
 * settings and memory give the same evaluation, but for the saturated runs the settings' solvers
 * remember ({@link ServiceSettings#solvers}). Metric problems of any kind become a held decision
 * with the reason, never a scale-down.
 */
public final class ScalingPipeline {

  /** A window with data for less than this share of it holds the count. */
  public static final double MIN_COVERAGE = 0.5;

  private ScalingPipeline() {}

  /** Observes over the settings' window, then {@link #evaluate}; an observer's failure becomes {@link #unavailable}. */
  public static Evaluation observeAndEvaluate(Observer observer, ServiceSettings settings, ServiceMemory memory,
      ReplicaCounts replicas, Instant now) {
    if (readsTheGateway(settings, replicas)) {
      GatewayReading gateway;
      try {
        gateway = observer.observeGateway(settings.window());
      } catch (MetricsUnavailableException e) {
        return unavailable(Evaluation.MetricsFailure.of(e), settings, memory, replicas, now);
      }
      return evaluateHeld(gateway, settings, memory, replicas, now);
    }
    Observation observation;
    try {
      observation = observer.observe(settings.window());
    } catch (MetricsUnavailableException e) {
      return unavailable(Evaluation.MetricsFailure.of(e), settings, memory, replicas, now);
    }
    return evaluate(observation, settings, memory, replicas, now);
  }

  /**
   * Whether the pass reads the gateway instead of the engines: the service may go to zero and no
   * replica serves (at zero, or woken and still starting), so no engine exports a metric.
   */
  public static boolean readsTheGateway(ServiceSettings settings, ReplicaCounts replicas) {
    return settings.policy().scaleToZero().isPresent() && replicas.ready() == 0;
  }

  /**
   * decide on what the gateway says while no replica serves: stay at zero, wake, or add replicas
   * while the first ones start ({@link LoadReading#held}); never fewer.
   */
  public static Evaluation evaluateHeld(GatewayReading gateway, ServiceSettings settings, ServiceMemory memory,
      ReplicaCounts replicas, Instant now) {
    Objects.requireNonNull(gateway, "gateway reading");
    StartupTime startup = startupSeen(memory, settings, replicas, now);
    ScalingPolicy policy = policyWith(settings, startup);
    Decision decision = policy.decide(now, LoadReading.held(gateway.heldRequests(), gateway.arrivalRate()),
        replicas, memory.stabilization());
    return new Evaluation(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), decision, Optional.empty(),
        Optional.empty(), startup, Optional.of(gateway));
  }

  /**
   * estimate → solve → correct → decide on an observation.
   *
   * @param memory what the last pass left ({@link ServiceMemory#empty()} at first)
   * @param replicas the target's spec and ready replicas now
   * @throws IllegalArgumentException when the settings cannot be solved with (engine values the
   *     solver refuses): a settings problem, not a metrics one
   */
  public static Evaluation evaluate(Observation observation, ServiceSettings settings, ServiceMemory memory,
      ReplicaCounts replicas, Instant now) {
    Objects.requireNonNull(observation, "observation");
    return evaluate(observation, Estimator.estimate(observation), settings, memory, replicas, now);
  }

  /** {@link #evaluate} on an observation already estimated (the mix estimates its window once). */
  private static Evaluation evaluate(Observation observation, ServiceEstimate estimate, ServiceSettings settings,
      ServiceMemory memory, ReplicaCounts replicas, Instant now) {
    StartupTime startup = startupSeen(memory, settings, replicas, now);
    ScalingPolicy policy = policyWith(settings, startup);
    double coverage = estimate.window().toMillis() / (double) observation.window().length().toMillis();
    if (coverage < MIN_COVERAGE) {
      return held(policy, now, replicas, memory, startup, Optional.of(estimate), Optional.empty(),
          new Evaluation.MetricsFailure(MetricsProblem.PARTIAL_WINDOW.reason(), String.format(Locale.ROOT,
              "the window has data for %d s of %d s, less than %.0f%% of it: holding until it fills",
              estimate.window().toSeconds(), observation.window().length().toSeconds(), 100 * MIN_COVERAGE)));
    }
    ResolvedEngine engine;
    try {
      engine = settings.engine().resolve(estimate);
    } catch (MetricsUnavailableException e) {
      return held(policy, now, replicas, memory, startup, Optional.of(estimate), Optional.empty(),
          new Evaluation.MetricsFailure(Evaluation.MetricsFailure.ENGINE_UNKNOWN, e.getMessage()));
    }
    Optional<WorkloadEstimate> workload = estimate.workload();
    if (workload.isEmpty() && idle(estimate)) {
      Decision decision = policy.decide(now, LoadReading.idle(estimate.window(), estimate.gatewayQueue().isPresent()), replicas,
          memory.stabilization());
      return new Evaluation(Optional.of(estimate), Optional.of(engine), Optional.empty(), Optional.empty(), decision,
          Optional.empty(), Optional.empty(), startup);
    }
    if (workload.isEmpty()) {
      return held(policy, now, replicas, memory, startup, Optional.of(estimate), Optional.of(engine),
          new Evaluation.MetricsFailure(MetricsProblem.NO_DATA.reason(), "no request completed in the "
              + observation.window().length().toSeconds()
              + " s window, so the token statistics and the capacity are unknown; holding until requests complete"));
    }
    Capacity solved = settings.solver().solve(workload.get(), engine.config());
    double windowSeconds = observation.window().seconds();
    ThroughputSignals throughput = new ThroughputSignals(estimate.completionRate(),
        estimate.preemptionsPerSecond().orElse(0), estimate.waiting(),
        Math.max(0, estimate.arrivals().backlogGrowthPerSecond()), replicas.ready(),
        steady(replicas, memory.lastScale(), now, observation.window().length().plus(policy.behavior().startupTime())),
        estimate.everyReplicaQueued(), estimate.running(), windowSeconds);
    CapacityCorrection.Remembered remembered = CapacityCorrection.withMemory(
        CapacityCorrection.apply(solved, throughput, workload.get().moments(),
            settings.solvers().pricedPreemptionsPerCompletion(settings.model(), workload.get(), engine.config())),
        memory.correction(), now, policy.behavior().scaleDownWindow());
    CorrectedCapacity capacity = remembered.capacity();
    Queueing queueing = Queueing.none();
    Optional<TtftCalibration> ttft = Optional.empty();
    if (policy.slo().isPresent()) {
      // Only a window the same replicas served through, with no standing queue and arrivals at one
      // rate, says what their steady state gives; with replicas starting, a backlog draining or the
      // rate moving, TTFT measures the transient. A window younger than asked for (a new service) has
      // too few requests and no burstiness yet.
      boolean backlog = policy.slo().get().backlog(estimate.queued(), estimate.arrivalRate()) > 0;
      boolean moving = estimate.arrivals().rise().isPresent() || estimate.arrivals().trend().isPresent();
      boolean young = estimate.window().compareTo(settings.window().length()) < 0;
      TtftCalibration calibration = !backlog && !moving && !young
          && steady(replicas, memory.lastScale(), now, observation.window().length().plus(policy.behavior().startupTime()))
          ? calibrate(policy.slo().get(), estimate, workload.get(), engine, capacity.capacity(), replicas, memory.ttftFactor())
          : TtftCalibration.kept(memory.ttftFactor());
      queueing = queueing(estimate, workload.get(), engine, capacity.capacity(), calibration.factor());
      ttft = Optional.of(calibration);
    }
    Decision decision = policy.decide(now,
        LoadReading.measured(ArrivalRate.of(estimate.arrivals()), capacity.capacity(), queueing),
        replicas, memory.stabilization());
    return new Evaluation(Optional.of(estimate), Optional.of(engine), Optional.of(capacity), Optional.empty(), decision,
        remembered.measurement(), ttft, startup);
  }

  /**
   * What one variant's own series said: its observation, or why it could not be read.
   */
  public record VariantObservation(Optional<Observation> observation, Optional<Evaluation.MetricsFailure> failure) {
    public VariantObservation {
      observation = Objects.requireNonNullElse(observation, Optional.empty());
      failure = Objects.requireNonNullElse(failure, Optional.empty());
    }

    public static VariantObservation of(Observation observation) {
      return new VariantObservation(Optional.of(observation), Optional.empty());
    }

    public static VariantObservation failed(Evaluation.MetricsFailure failure) {
      return new VariantObservation(Optional.empty(), Optional.of(failure));
    }
  }

  /**
   * Observes the service over all its variants ({@code service}) and each variant on its own
   * ({@code variants}, in the settings' order), then {@link #evaluateMix}. A variant's failure is
   * passed on: it matters only if its engine is needed from its series.
   */
  public static MixEvaluation observeAndEvaluateMix(Observer service, List<Observer> variants, MixSettings settings,
      ServiceMemory memory, Mix asked, Mix ready, List<Optional<String>> refusals, Instant now) {
    Observation observation;
    try {
      observation = service.observe(settings.window());
    } catch (MetricsUnavailableException e) {
      return heldMix(settings, asked, Optional.empty(), List.of(), stalls(settings, memory, asked, ready, refusals, now),
          Evaluation.MetricsFailure.of(e));
    }
    List<VariantObservation> readings = new ArrayList<>();
    for (Observer variant : variants) {
      try {
        readings.add(VariantObservation.of(variant.observe(settings.window())));
      } catch (MetricsUnavailableException e) {
        readings.add(VariantObservation.failed(Evaluation.MetricsFailure.of(e)));
      }
    }
    return evaluateMix(observation, readings, settings, memory, asked, ready, refusals, now);
  }

  /**
   * estimate → solve → decide for a service of several variants. λ̂ and the token lengths are the
   * service's, over all variants; each variant's engine is its own (given, or observed from its own
   * series), and so is μ̂_v, the stability model on the shared lengths with that engine.
   *
   * <p>The capacity is sized as for one type, by {@link #evaluate}, in replicas of the variant with
   * the largest μ̂_v, the <em>unit</em>: the mix counts as ⌊Σ n_v·μ̂_v / μ̂_unit⌋ of them, and the
   * bounds as the variants' bounds so counted. So a mix gets the same forecast, rise, backlog drain,
   * SLO count with its calibration, preemption correction, settle time and scale-down stabilisation
   * as one type, from the same memory. The SLO count reads the mix as replicas of the fastest
   * variant (its rate and prefill); the calibration factor k, learned on the TTFT the whole mix
   * serves, takes up the difference (docs/variants.md measures the slowest as the unit instead).
   * {@link MixMove} then chooses the replicas that hold
   * that capacity. A variant with no replica now, none required and an engine that cannot be
   * observed is left out (it keeps 0) and the message says so. Metric problems hold the mix.
   *
   * @param variants one per variant, in the settings' order
   * @param memory what the last pass left, in units of the unit variant's replicas
   * @param asked the replicas each variant is asked for now (their /scale spec counts)
   * @param ready the replicas each variant serves with now
   * @param refusals per variant, why its target says the replicas asked for are not coming, if it
   *     says so ({@link io.stableserve.actuate.ScaleTarget#creationRefused}): such a variant stalls at once
   */
  public static MixEvaluation evaluateMix(Observation service, List<VariantObservation> variants, MixSettings settings,
      ServiceMemory memory, Mix asked, Mix ready, List<Optional<String>> refusals, Instant now) {
    Objects.requireNonNull(service, "service observation");
    List<VariantSettings> configured = settings.variants();
    if (variants.size() != configured.size() || asked.size() != configured.size() || ready.size() != configured.size()
        || refusals.size() != configured.size()) {
      throw new IllegalArgumentException(configured.size() + " variants, " + variants.size() + " observations, "
          + asked.size() + " asked and " + ready.size() + " ready counts, " + refusals.size() + " target reports");
    }
    List<VariantStall> stalls = stalls(settings, memory, asked, ready, refusals, now);
    ServiceEstimate estimate = Estimator.estimate(service);
    double coverage = estimate.window().toMillis() / (double) service.window().length().toMillis();
    if (coverage < MIN_COVERAGE) {
      return heldMix(settings, asked, Optional.of(estimate), List.of(), stalls, new Evaluation.MetricsFailure(
          MetricsProblem.PARTIAL_WINDOW.reason(), String.format(Locale.ROOT,
              "the window has data for %d s of %d s, less than %.0f%% of it: holding the mix until it fills",
              estimate.window().toSeconds(), service.window().length().toSeconds(), 100 * MIN_COVERAGE)));
    }
    List<Optional<ResolvedEngine>> engines = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (int v = 0; v < configured.size(); v++) {
      VariantSettings variant = configured.get(v);
      Optional<Evaluation.MetricsFailure> why = variants.get(v).failure();
      Optional<ResolvedEngine> engine = Optional.empty();
      if (variants.get(v).observation().isPresent()) {
        try {
          engine = Optional.of(variant.engine().resolve(Estimator.estimate(variants.get(v).observation().get())));
        } catch (MetricsUnavailableException e) {
          why = Optional.of(new Evaluation.MetricsFailure(Evaluation.MetricsFailure.ENGINE_UNKNOWN, e.getMessage()));
        }
      }
      engine = engine.or(() -> variant.engine().resolveGiven());
      if (engine.isEmpty()) {
        String message = why.map(Evaluation.MetricsFailure::message).orElse("its series were not read");
        if (asked.count(v) > 0 || variant.min() > 0) {
          return heldMix(settings, asked, Optional.of(estimate), List.of(), stalls, new Evaluation.MetricsFailure(
              why.map(Evaluation.MetricsFailure::reason).orElse(Evaluation.MetricsFailure.ENGINE_UNKNOWN),
              "variant " + variant.name() + ": " + message));
        }
        leftOut.add(variant.name() + " (" + message + ")");
      }
      engines.add(engine);
    }
    Optional<WorkloadEstimate> workload = estimate.workload();
    if (workload.isEmpty()) {
      return heldMix(settings, asked, Optional.of(estimate), unsolved(configured, engines), stalls,
          new Evaluation.MetricsFailure(MetricsProblem.NO_DATA.reason(), "no request completed in the "
              + service.window().length().toSeconds() + " s window, so the token statistics and each variant's "
              + "capacity are unknown; holding the mix until requests complete"));
    }
    List<MixEvaluation.VariantCapacity> capacities = new ArrayList<>();
    List<Variant> priced = new ArrayList<>();
    List<Integer> pricedIndex = new ArrayList<>();
    List<String> stalled = new ArrayList<>();
    int[] reachable = new int[configured.size()];
    int unit = -1;
    for (int v = 0; v < configured.size(); v++) {
      VariantSettings variant = configured.get(v);
      Optional<Capacity> capacity = engines.get(v).map(e -> settings.solver().solve(workload.get(), e.config()));
      capacities.add(new MixEvaluation.VariantCapacity(variant.name(), variant.costPerHour(), engines.get(v), capacity));
      // A stalled variant holds only what serves, and is asked for no more until its retry; a probed
      // one is asked for one more, which the capacity does not count on.
      boolean countedAtReady = stalls.get(v).stalled() || stalls.get(v).probing();
      reachable[v] = countedAtReady ? Math.max(variant.min(), Math.min(variant.max(), ready.count(v))) : variant.max();
      if (stalls.get(v).probing()) {
        stalled.add(String.format(Locale.ROOT, "%s probed: asked for one replica more than its %d ready, not counted on "
            + "until it serves", variant.name(), ready.count(v)));
      }
      if (stalls.get(v).stalled()) {
        Instant retry = stalls.get(v).retryAt(STALLED_RETRY).orElseThrow();
        stalled.add(refusals.get(v).isPresent()
            ? String.format(Locale.ROOT, "%s stalled: %d of %d ready and its target reports them refused (%s), so counted at %d "
                + "until %s", variant.name(), ready.count(v), asked.count(v), refusals.get(v).get(), reachable[v], retry)
            : String.format(Locale.ROOT, "%s stalled: %d of %d ready, none more within %s, so counted at %d until %s "
                + "(a quota, no free node of its GPU, an image that does not pull?)", variant.name(), ready.count(v),
            asked.count(v), Durations.format(stallAfter(settings, memory)), reachable[v], retry));
      }
      if (capacity.isPresent()) {
        priced.add(new Variant(variant.name(), capacity.get().stableRate(), variant.costPerHour(), variant.min(), reachable[v]));
        pricedIndex.add(v);
        if (unit < 0 || capacity.get().stableRate() > priced.get(unit).stableRate()) {
          unit = priced.size() - 1;
        }
      }
    }
    if (priced.isEmpty()) {
      return heldMix(settings, asked, Optional.of(estimate), capacities, stalls, new Evaluation.MetricsFailure(
          Evaluation.MetricsFailure.ENGINE_UNKNOWN, "no variant's engine is known: " + String.join("; ", leftOut)));
    }
    Mix pricedAsked = Mix.of(pricedIndex.stream().mapToInt(v -> Math.min(asked.count(v), reachable[v])).toArray());
    Mix pricedReady = Mix.of(pricedIndex.stream().mapToInt(v -> Math.min(ready.count(v), asked.count(v))).toArray());
    Variant unitVariant = priced.get(unit);
    double unitRate = unitVariant.stableRate();
    int low = Math.max(1, (int) Math.ceil(minimumCapacity(priced) / unitRate - UNIT_SLACK));
    int high = Math.max(low, units(maximumCapacity(priced), unitRate));
    ServiceSettings sizing = new ServiceSettings(settings.model(),
        EngineSettings.given(engines.get(pricedIndex.get(unit)).get().config()),
        new ScalingPolicy(new ReplicaRange(low, high), settings.targetUtilization(), settings.behavior(), settings.slo()),
        settings.window(), settings.solvers());
    int askedUnits = units(pricedAsked.capacity(priced), unitRate);
    Evaluation sized = evaluate(service, estimate, sizing, memory,
        new ReplicaCounts(askedUnits, Math.min(askedUnits, units(pricedReady.capacity(priced), unitRate))), now);
    if (sized.metricsFailure().isPresent()) {
      Evaluation.MetricsFailure failure = sized.metricsFailure().get();
      return new MixEvaluation(Optional.of(estimate), capacities, Optional.of(failure), asked, Optional.empty(), asked,
          failure.reason() + ": " + failure.message() + "; holding the mix", Optional.of(sized), stalls);
    }
    // Capped at the bounds, the capacity asked for is what the load needs, so that the mix decision
    // finds no mix holds it and says which maximum to raise.
    Decision units = sized.decision();
    double capacity = (units.limit() == ScalingLimit.MAX ? units.modelReplicas().orElse(units.desiredReplicas())
        : units.desiredReplicas()) * unitRate;
    MixDecision decision = MixMove.to(priced, pricedAsked, pricedReady, capacity,
        sized.startup().effective(settings.behavior().startupTime()), settings.horizon());
    int[] counts = new int[configured.size()];
    for (int i = 0; i < pricedIndex.size(); i++) {
      int v = pricedIndex.get(i);
      counts[v] = decision.mix().count(i);
      if (stalls.get(v).probing() && counts[v] >= ready.count(v)) {
        counts[v] = Math.max(counts[v], Math.min(configured.get(v).max(), ready.count(v) + 1));
      }
    }
    String message = String.format(Locale.ROOT, "sized in replicas of %s (μ̂ %.4g req/s), the mix counting as %d: %s; so %.4g "
        + "req/s of capacity: %s", unitVariant.name(), unitRate, askedUnits, sized.decision().message(), capacity, decision.why());
    if (!leftOut.isEmpty()) {
      message += "; left out, its engine neither given nor observable: " + String.join("; ", leftOut);
    }
    if (!stalled.isEmpty()) {
      message += "; " + String.join("; ", stalled);
    }
    return new MixEvaluation(Optional.of(estimate), capacities, Optional.empty(), asked, Optional.of(decision),
        Mix.of(counts), message, Optional.of(sized), stalls);
  }

  /** How long a stalled variant is counted at what serves before it is probed. */
  public static final Duration STALLED_RETRY = Defaults.stalledVariantRetry();

  /** How long without a replica becoming ready stalls a variant: a few start-ups, as measured or given. */
  static Duration stallAfter(MixSettings settings, ServiceMemory memory) {
    return memory.startup().effective(settings.behavior().startupTime()).multipliedBy(Defaults.STALL_AFTER_STARTUPS);
  }

  /** Each variant's stall after a pass that found {@code asked} and {@code ready}. */
  static List<VariantStall> stalls(MixSettings settings, ServiceMemory memory, Mix asked, Mix ready,
      List<Optional<String>> refusals, Instant now) {
    List<VariantStall> stalls = new ArrayList<>();
    Duration stallAfter = stallAfter(settings, memory);
    for (int v = 0; v < settings.variants().size(); v++) {
      stalls.add(memory.variantStalls().getOrDefault(settings.variants().get(v).name(), VariantStall.none())
          .observe(asked.count(v), ready.count(v), now, stallAfter, STALLED_RETRY, refusals.get(v).isPresent()));
    }
    return stalls;
  }

  /** Tolerance on counting a capacity in units, so that 3 × μ computed a hair under 3 units counts as 3. */
  private static final double UNIT_SLACK = 1e-9;

  private static int units(double capacity, double unitRate) {
    double units = Math.floor(capacity / unitRate + UNIT_SLACK);
    return units >= Integer.MAX_VALUE / 2.0 ? Integer.MAX_VALUE / 2 : (int) units;
  }

  private static double minimumCapacity(List<Variant> variants) {
    return variants.stream().mapToDouble(v -> v.min() * v.stableRate()).sum();
  }

  private static double maximumCapacity(List<Variant> variants) {
    return variants.stream().mapToDouble(v -> v.max() * v.stableRate()).sum();
  }

  /** A pass of a service of several variants without metrics (a credential is missing): hold the mix, with the reason. */
  public static MixEvaluation unavailableMix(Evaluation.MetricsFailure failure, MixSettings settings, ServiceMemory memory,
      Mix current, Mix ready, List<Optional<String>> refusals, Instant now) {
    return heldMix(settings, current, Optional.empty(), List.of(), stalls(settings, memory, current, ready, refusals, now), failure);
  }

  private static List<MixEvaluation.VariantCapacity> unsolved(List<VariantSettings> variants,
      List<Optional<ResolvedEngine>> engines) {
    List<MixEvaluation.VariantCapacity> out = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      out.add(new MixEvaluation.VariantCapacity(variants.get(v).name(), variants.get(v).costPerHour(),
          v < engines.size() ? engines.get(v) : Optional.empty(), Optional.empty()));
    }
    return out;
  }

  private static MixEvaluation heldMix(MixSettings settings, Mix current, Optional<ServiceEstimate> estimate,
      List<MixEvaluation.VariantCapacity> capacities, List<VariantStall> stalls, Evaluation.MetricsFailure failure) {
    List<MixEvaluation.VariantCapacity> variants = capacities.isEmpty()
        ? unsolved(settings.variants(), List.of()) : capacities;
    return new MixEvaluation(estimate, variants, Optional.of(failure), current, Optional.empty(), current,
        failure.reason() + ": " + failure.message() + "; holding the mix", Optional.empty(), stalls);
  }

  /** c_s² of one request's service: taken as exponential's, 1; docs/validation.md measures what that costs. */
  static final double SERVICE_SCV = 1;

  /** What the SLO sizing reads: the queue now, the arrivals' burstiness, the prefill time and k. */
  static Queueing queueing(ServiceEstimate estimate, WorkloadEstimate workload, ResolvedEngine engine, Capacity capacity,
      double factor) {
    return new Queueing(estimate.queued(), estimate.arrivals().burstiness().orElse(1), SERVICE_SCV,
        prefillSeconds(workload, engine, capacity), factor, estimate.gatewayQueue().isPresent(),
        estimate.everyReplicaQueued());
  }

  /** A request's prefill once it is in the batch: its chunks, each a step at the capacity's step time. */
  static double prefillSeconds(WorkloadEstimate workload, ResolvedEngine engine, Capacity capacity) {
    return workload.meanPrefillChunks(engine.config().chunkTokens()) * capacity.stepSecondsAtCapacity();
  }

  /**
   * The TTFT approximation for the replicas that served the window against vLLM's measured TTFT
   * percentile, which moves the remembered factor; a percentile needs at least 2 / (1 − p) requests.
   */
  static TtftCalibration calibrate(TtftSlo slo, ServiceEstimate estimate, WorkloadEstimate workload, ResolvedEngine engine,
      Capacity capacity, ReplicaCounts replicas, double remembered) {
    double prefill = prefillSeconds(workload, engine, capacity);
    double predicted = TtftApproximation.ttftQuantile(Math.max(1, replicas.ready()), estimate.arrivalRate(), capacity.stableRate(),
        slo.percentile(), estimate.arrivals().burstiness().orElse(1), SERVICE_SCV, 1, prefill);
    OptionalDouble observed = estimate.ttftPercentileOverride().isPresent() ? estimate.ttftPercentileOverride()
        : estimate.ttft().filter(h -> h.count() >= 2 / (1 - slo.percentile()))
            .map(h -> h.quantile(slo.percentile())).orElse(OptionalDouble.empty());
    return TtftCalibration.update(remembered, observed, predicted, prefill);
  }

  /** A pass without metrics (the observer failed, a credential is missing): hold, with the reason. */
  public static Evaluation unavailable(Evaluation.MetricsFailure failure, ServiceSettings settings, ServiceMemory memory,
      ReplicaCounts replicas, Instant now) {
    StartupTime startup = startupSeen(memory, settings, replicas, now);
    return held(policyWith(settings, startup), now, replicas, memory, startup, Optional.empty(), Optional.empty(), failure);
  }

  /** The start-up timing the memory carries, after what this pass finds of the replicas. */
  private static StartupTime startupSeen(ServiceMemory memory, ServiceSettings settings, ReplicaCounts replicas, Instant now) {
    return memory.startup().observe(replicas.ready(), replicas.spec(), now, settings.policy().behavior().period());
  }

  /** The settings' policy with the start-up time measured, where one has been. */
  private static ScalingPolicy policyWith(ServiceSettings settings, StartupTime startup) {
    return settings.policy().withStartupTime(startup.effective(settings.policy().behavior().startupTime()));
  }

  /**
   * Whether the same replicas served through the whole window: all of them ready now, and the last
   * change of the count (plus the start-up time, within which the new replicas became ready) before
   * the window began. Only then are the window's completions per ready replica a per-replica rate;
   * replicas that became ready halfway through would make it look lower than it is.
   */
  static boolean steady(ReplicaCounts replicas, Optional<Instant> lastScale, Instant now, Duration windowAndStartup) {
    return replicas.ready() == replicas.spec() && lastScale.map(t -> t.isBefore(now.minus(windowAndStartup))).orElse(true);
  }

  /** Nothing arrived or completed in the window and nothing is running, waiting or held at a gateway at its end. */
  static boolean idle(ServiceEstimate estimate) {
    return estimate.arrivalRate() == 0 && estimate.arrivals().requests() == 0 && estimate.running() == 0
        && estimate.waiting() == 0 && estimate.gatewayQueue().orElse(0) == 0;
  }

  private static Evaluation held(ScalingPolicy policy, Instant now, ReplicaCounts replicas, ServiceMemory memory,
      StartupTime startup, Optional<ServiceEstimate> estimate, Optional<ResolvedEngine> engine, Evaluation.MetricsFailure failure) {
    Decision decision = policy.decide(now, LoadReading.unavailable(failure.reason(), failure.message()), replicas,
        memory.stabilization());
    return new Evaluation(estimate, engine, Optional.empty(), Optional.of(failure), decision, Optional.empty(), Optional.empty(),
        startup);
  }
}
