package io.stableserve.reconcile;

import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.decide.ArrivalRate;
import io.stableserve.decide.Decision;
import io.stableserve.decide.LoadReading;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StabilizationState;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.estimate.EngineSettings.ResolvedEngine;
import io.stableserve.estimate.Estimator;
import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.correct.CapacityCorrection;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.correct.ThroughputSignals;
import io.stableserve.observe.MetricsConfig;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observer;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.ModelKind;
import io.stableserve.estimate.EngineSettings;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * observe → estimate → solve → decide for one service. Only the observer does I/O; the rest is the
 * pure stages. Metric problems of any kind become a held decision with the reason, never a scale-down.
 */
public final class ServiceEvaluator {

  private final Observer observer;

  public ServiceEvaluator(Observer observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * @param rememberedCorrection the preemption correction applied before and when it was measured
   * @param lastScale when the operator last changed the replica count: completions per replica are
   *     measured only over windows without a change, counting the start-up time ({@link #steady})
   * @throws IllegalArgumentException when the spec cannot be evaluated (a model the solver does not
   *     know, engine values it refuses): a spec problem, not a metrics one
   */
  public Evaluation evaluate(InferenceServiceSpec spec, MetricsConfig metrics, ReplicaCounts replicas,
      StabilizationState state, Optional<CapacityCorrection.Measured> rememberedCorrection, Optional<Instant> lastScale,
      Instant now) {
    return evaluate(spec.effectiveModel().kind(), SpecMapping.engine(spec), SpecMapping.policy(spec), metrics, replicas,
        state, rememberedCorrection, lastScale, now);
  }

  /**
   * The same chain without an InferenceService: for a command line or a simulation that has its
   * own model, engine settings and policy.
   */
  public Evaluation evaluate(ModelKind model, EngineSettings engineSettings, ScalingPolicy policy, MetricsConfig metrics,
      ReplicaCounts replicas, StabilizationState state, Optional<CapacityCorrection.Measured> rememberedCorrection,
      Optional<Instant> lastScale, Instant now) {
    ServiceEstimate estimate;
    try {
      estimate = Estimator.estimate(observer.observe(metrics));
    } catch (MetricsUnavailableException e) {
      return held(policy, now, replicas, state, Optional.empty(), Optional.empty(),
          new Evaluation.MetricsFailure(e.problem().reason(), withoutReason(e.problem().reason(), e.getMessage())));
    }
    ResolvedEngine engine;
    try {
      engine = engineSettings.resolve(estimate);
    } catch (MetricsUnavailableException e) {
      return held(policy, now, replicas, state, Optional.of(estimate), Optional.empty(),
          new Evaluation.MetricsFailure(Conditions.ENGINE_UNKNOWN, e.getMessage()));
    }
    Optional<WorkloadEstimate> workload = estimate.workload();
    if (workload.isEmpty() && idle(estimate)) {
      Decision decision = policy.decide(now, LoadReading.idle(), replicas, state);
      return new Evaluation(Optional.of(estimate), Optional.of(engine), Optional.empty(), Optional.empty(), decision,
          Optional.empty());
    }
    if (workload.isEmpty()) {
      return held(policy, now, replicas, state, Optional.of(estimate), Optional.of(engine),
          new Evaluation.MetricsFailure(Conditions.NO_DATA, "no request completed in the " + metrics.window().toSeconds()
              + " s window, so the token statistics and the capacity are unknown; holding until requests complete"));
    }
    Capacity solved = model.model().solve(workload.get(), engine.config());
    ThroughputSignals throughput = new ThroughputSignals(estimate.completionRate(),
        estimate.preemptionsPerSecond().orElse(0), estimate.waiting(),
        Math.max(0, estimate.arrivals().backlogGrowthPerSecond()), replicas.ready(),
        steady(replicas, lastScale, now, metrics.window().plus(policy.behavior().startupTime())),
        estimate.everyReplicaQueued(), estimate.running(),
        metrics.window().toMillis() / 1000.0);
    CapacityCorrection.Remembered remembered = CapacityCorrection.withMemory(
        CapacityCorrection.apply(solved, throughput, workload.get().moments(), model.pricedPreemptionsPerCompletion(workload.get(), engine.config())),
        rememberedCorrection, now,
        policy.behavior().scaleDownWindow());
    CorrectedCapacity capacity = remembered.capacity();
    Decision decision = policy.decide(now,
        LoadReading.measured(ArrivalRate.of(estimate.arrivals()), capacity.capacity()),
        replicas, state);
    return new Evaluation(Optional.of(estimate), Optional.of(engine), Optional.of(capacity), Optional.empty(), decision,
        remembered.measurement());
  }

  /**
   * Whether the same replicas served through the whole window: all of them ready now, and the last
   * change of the count (plus the start-up time, within which the new replicas became ready) before
   * the window began. Only then are the window's completions per ready replica a per-replica rate;
   * replicas that became ready halfway through would make it look lower than it is.
   */
  static boolean steady(ReplicaCounts replicas, Optional<Instant> lastScale, Instant now, java.time.Duration windowAndStartup) {
    return replicas.ready() == replicas.spec() && lastScale.map(t -> t.isBefore(now.minus(windowAndStartup))).orElse(true);
  }

  /** A decision without metrics (e.g. the Secret with Prometheus's token is missing): hold, with the reason. */
  public Evaluation unavailable(InferenceServiceSpec spec, Evaluation.MetricsFailure failure, ReplicaCounts replicas,
      StabilizationState state, Instant now) {
    return held(SpecMapping.policy(spec), now, replicas, state, Optional.empty(), Optional.empty(), failure);
  }

  /** Nothing arrived or completed in the window and nothing is running or waiting at its end. */
  static boolean idle(ServiceEstimate estimate) {
    return estimate.arrivalRate() == 0 && estimate.arrivals().requests() == 0 && estimate.running() == 0
        && estimate.waiting() == 0;
  }

  /** The exception's message starts with its reason, which the condition and event carry on their own. */
  static String withoutReason(String reason, String message) {
    String prefix = reason + ": ";
    return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : String.valueOf(message);
  }

  private static Evaluation held(ScalingPolicy policy, Instant now, ReplicaCounts replicas, StabilizationState state,
      Optional<ServiceEstimate> estimate, Optional<ResolvedEngine> engine, Evaluation.MetricsFailure failure) {
    Decision decision = policy.decide(now, LoadReading.unavailable(failure.reason(), failure.message()), replicas, state);
    return new Evaluation(estimate, engine, Optional.empty(), Optional.of(failure), decision, Optional.empty());
  }
}
