package io.stableserve.pipeline;

import io.stableserve.sim.StabilityModels;
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
import io.stableserve.decide.ScalingPolicy;
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
import io.stableserve.decide.MixChange;
import io.stableserve.decide.MixDecision;
import io.stableserve.decide.MixDemand;
import io.stableserve.decide.Variant;
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
 * settings and memory give the same evaluation. Metric problems of any kind become a held decision
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
    Decision decision = settings.policy().decide(now, LoadReading.held(gateway.heldRequests(), gateway.arrivalRate()),
        replicas, memory.stabilization());
    return new Evaluation(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), decision, Optional.empty());
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
    ScalingPolicy policy = settings.policy();
    ServiceEstimate estimate = Estimator.estimate(observation);
    double coverage = estimate.window().toMillis() / (double) observation.window().length().toMillis();
    if (coverage < MIN_COVERAGE) {
      return held(policy, now, replicas, memory, Optional.of(estimate), Optional.empty(),
          new Evaluation.MetricsFailure(MetricsProblem.PARTIAL_WINDOW.reason(), String.format(Locale.ROOT,
              "the window has data for %d s of %d s, less than %.0f%% of it: holding until it fills",
              estimate.window().toSeconds(), observation.window().length().toSeconds(), 100 * MIN_COVERAGE)));
    }
    ResolvedEngine engine;
    try {
      engine = settings.engine().resolve(estimate);
    } catch (MetricsUnavailableException e) {
      return held(policy, now, replicas, memory, Optional.of(estimate), Optional.empty(),
          new Evaluation.MetricsFailure(Evaluation.MetricsFailure.ENGINE_UNKNOWN, e.getMessage()));
    }
    Optional<WorkloadEstimate> workload = estimate.workload();
    if (workload.isEmpty() && idle(estimate)) {
      Decision decision = policy.decide(now, LoadReading.idle(estimate.window(), estimate.gatewayQueue().isPresent()), replicas,
          memory.stabilization());
      return new Evaluation(Optional.of(estimate), Optional.of(engine), Optional.empty(), Optional.empty(), decision,
          Optional.empty());
    }
    if (workload.isEmpty()) {
      return held(policy, now, replicas, memory, Optional.of(estimate), Optional.of(engine),
          new Evaluation.MetricsFailure(MetricsProblem.NO_DATA.reason(), "no request completed in the "
              + observation.window().length().toSeconds()
              + " s window, so the token statistics and the capacity are unknown; holding until requests complete"));
    }
    Capacity solved = StabilityModels.of(settings.model()).solve(workload.get(), engine.config());
    double windowSeconds = observation.window().seconds();
    ThroughputSignals throughput = new ThroughputSignals(estimate.completionRate(),
        estimate.preemptionsPerSecond().orElse(0), estimate.waiting(),
        Math.max(0, estimate.arrivals().backlogGrowthPerSecond()), replicas.ready(),
        steady(replicas, memory.lastScale(), now, observation.window().length().plus(policy.behavior().startupTime())),
        estimate.everyReplicaQueued(), estimate.running(), windowSeconds);
    CapacityCorrection.Remembered remembered = CapacityCorrection.withMemory(
        CapacityCorrection.apply(solved, throughput, workload.get().moments(),
            StabilityModels.pricedPreemptionsPerCompletion(settings.model(), workload.get(), engine.config())),
        memory.correction(), now, policy.behavior().scaleDownWindow());
    CorrectedCapacity capacity = remembered.capacity();
    Queueing queueing = Queueing.none();
    Optional<TtftCalibration> ttft = Optional.empty();
    if (policy.slo().isPresent()) {
      // Only a window the same replicas served through, with no standing queue and arrivals at one
      // rate, says what their steady state gives; with replicas starting, a backlog draining or the
      // rate moving, TTFT measures the transient. A window younger than asked for (a new service) has
      // too few requests and no burstiness yet.
      boolean backlog = estimate.queued() > estimate.arrivalRate() * policy.slo().get().targetSeconds();
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
        remembered.measurement(), ttft);
  }

  /** The TTFT approximation's factor k over a mix: not calibrated on vLLM's TTFT per mix yet. */
  static final double UNCALIBRATED = 1;

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
      Mix current) {
    Observation observation;
    try {
      observation = service.observe(settings.window());
    } catch (MetricsUnavailableException e) {
      return heldMix(settings, current, Optional.empty(), List.of(), Evaluation.MetricsFailure.of(e));
    }
    List<VariantObservation> readings = new ArrayList<>();
    for (Observer variant : variants) {
      try {
        readings.add(VariantObservation.of(variant.observe(settings.window())));
      } catch (MetricsUnavailableException e) {
        readings.add(VariantObservation.failed(Evaluation.MetricsFailure.of(e)));
      }
    }
    return evaluateMix(observation, readings, settings, current);
  }

  /**
   * estimate → solve → decide for a service of several variants. λ̂ and the token lengths are the
   * service's, over all variants; each variant's engine is its own (given, or observed from its own
   * series), and so is μ̂_v, the stability model on the shared lengths with that engine. The mix is
   * decided by {@link MixChange} within each variant's bounds, with the SLO when there is one. A
   * variant with no replica now, none required and an engine that cannot be observed is left out of
   * the search (it keeps 0) and the message says so. Metric problems hold the current mix.
   *
   * @param variants one per variant, in the settings' order
   * @param current the replicas each variant has now (their /scale spec counts)
   */
  public static MixEvaluation evaluateMix(Observation service, List<VariantObservation> variants, MixSettings settings,
      Mix current) {
    Objects.requireNonNull(service, "service observation");
    List<VariantSettings> configured = settings.variants();
    if (variants.size() != configured.size() || current.size() != configured.size()) {
      throw new IllegalArgumentException(configured.size() + " variants, " + variants.size() + " observations and "
          + current.size() + " current counts");
    }
    ServiceEstimate estimate = Estimator.estimate(service);
    double coverage = estimate.window().toMillis() / (double) service.window().length().toMillis();
    if (coverage < MIN_COVERAGE) {
      return heldMix(settings, current, Optional.of(estimate), List.of(), new Evaluation.MetricsFailure(
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
        if (current.count(v) > 0 || variant.min() > 0) {
          return heldMix(settings, current, Optional.of(estimate), List.of(), new Evaluation.MetricsFailure(
              why.map(Evaluation.MetricsFailure::reason).orElse(Evaluation.MetricsFailure.ENGINE_UNKNOWN),
              "variant " + variant.name() + ": " + message));
        }
        leftOut.add(variant.name() + " (" + message + ")");
      }
      engines.add(engine);
    }
    Optional<WorkloadEstimate> workload = estimate.workload();
    if (workload.isEmpty()) {
      return heldMix(settings, current, Optional.of(estimate), unsolved(configured, engines),
          new Evaluation.MetricsFailure(MetricsProblem.NO_DATA.reason(), "no request completed in the "
              + service.window().length().toSeconds() + " s window, so the token statistics and each variant's "
              + "capacity are unknown; holding the mix until requests complete"));
    }
    List<MixEvaluation.VariantCapacity> capacities = new ArrayList<>();
    List<Variant> priced = new ArrayList<>();
    List<Integer> pricedIndex = new ArrayList<>();
    Queueing queueing = Queueing.none();
    for (int v = 0; v < configured.size(); v++) {
      VariantSettings variant = configured.get(v);
      Optional<Capacity> capacity = engines.get(v).map(e -> StabilityModels.of(settings.model()).solve(workload.get(), e.config()));
      capacities.add(new MixEvaluation.VariantCapacity(variant.name(), variant.costPerHour(), engines.get(v), capacity));
      if (capacity.isPresent()) {
        priced.add(new Variant(variant.name(), capacity.get().stableRate(), variant.costPerHour(), variant.min(), variant.max()));
        pricedIndex.add(v);
        if (settings.slo().isPresent()) {
          // The slowest variant's prefill: a request routed to it is not promised the fast one's.
          Queueing candidate = queueing(estimate, workload.get(), engines.get(v).get(), capacity.get(), UNCALIBRATED);
          queueing = candidate.prefillSeconds() > queueing.prefillSeconds() ? candidate : queueing;
        }
      }
    }
    if (priced.isEmpty()) {
      return heldMix(settings, current, Optional.of(estimate), capacities, new Evaluation.MetricsFailure(
          Evaluation.MetricsFailure.ENGINE_UNKNOWN, "no variant's engine is known: " + String.join("; ", leftOut)));
    }
    double arrivals = ArrivalRate.of(estimate.arrivals()).upperBound(settings.behavior().confidence());
    MixDemand demand = new MixDemand(arrivals, settings.targetUtilization(), settings.slo(), queueing);
    int[] pricedCurrent = pricedIndex.stream().mapToInt(current::count).toArray();
    MixDecision decision = MixChange.decide(priced, demand, Mix.of(pricedCurrent), settings.behavior().startupTime(),
        settings.horizon());
    int[] counts = new int[configured.size()];
    for (int i = 0; i < pricedIndex.size(); i++) {
      counts[pricedIndex.get(i)] = decision.mix().count(i);
    }
    String message = String.format(Locale.ROOT, "λ̂ %.4g req/s (upper bound at %.1f standard errors): %s", arrivals,
        settings.behavior().confidence(), decision.why());
    if (!leftOut.isEmpty()) {
      message += "; left out, its engine neither given nor observable: " + String.join("; ", leftOut);
    }
    return new MixEvaluation(Optional.of(estimate), capacities, Optional.empty(), current, Optional.of(decision),
        Mix.of(counts), message);
  }

  /** A pass of a service of several variants without metrics (a credential is missing): hold the mix, with the reason. */
  public static MixEvaluation unavailableMix(Evaluation.MetricsFailure failure, MixSettings settings, Mix current) {
    return heldMix(settings, current, Optional.empty(), List.of(), failure);
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
      List<MixEvaluation.VariantCapacity> capacities, Evaluation.MetricsFailure failure) {
    List<MixEvaluation.VariantCapacity> variants = capacities.isEmpty()
        ? unsolved(settings.variants(), List.of()) : capacities;
    return new MixEvaluation(estimate, variants, Optional.of(failure), current, Optional.empty(), current,
        failure.reason() + ": " + failure.message() + "; holding the mix");
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
    return held(settings.policy(), now, replicas, memory, Optional.empty(), Optional.empty(), failure);
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
      Optional<ServiceEstimate> estimate, Optional<ResolvedEngine> engine, Evaluation.MetricsFailure failure) {
    Decision decision = policy.decide(now, LoadReading.unavailable(failure.reason(), failure.message()), replicas,
        memory.stabilization());
    return new Evaluation(estimate, engine, Optional.empty(), Optional.of(failure), decision, Optional.empty());
  }
}
