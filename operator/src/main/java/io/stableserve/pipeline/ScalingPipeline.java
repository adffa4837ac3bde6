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
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observation;
import io.stableserve.observe.Observer;
import io.stableserve.solve.Capacity;
import java.time.Duration;
import java.time.Instant;
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
    Observation observation;
    try {
      observation = observer.observe(settings.window());
    } catch (MetricsUnavailableException e) {
      return unavailable(Evaluation.MetricsFailure.of(e), settings, memory, replicas, now);
    }
    return evaluate(observation, settings, memory, replicas, now);
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
      Decision decision = policy.decide(now, LoadReading.idle(), replicas, memory.stabilization());
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

  /** Nothing arrived or completed in the window and nothing is running or waiting at its end. */
  static boolean idle(ServiceEstimate estimate) {
    return estimate.arrivalRate() == 0 && estimate.arrivals().requests() == 0 && estimate.running() == 0
        && estimate.waiting() == 0;
  }

  private static Evaluation held(ScalingPolicy policy, Instant now, ReplicaCounts replicas, ServiceMemory memory,
      Optional<ServiceEstimate> estimate, Optional<ResolvedEngine> engine, Evaluation.MetricsFailure failure) {
    Decision decision = policy.decide(now, LoadReading.unavailable(failure.reason(), failure.message()), replicas,
        memory.stabilization());
    return new Evaluation(estimate, engine, Optional.empty(), Optional.of(failure), decision, Optional.empty());
  }
}
