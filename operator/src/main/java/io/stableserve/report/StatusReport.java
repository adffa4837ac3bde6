package io.stableserve.report;

import io.stableserve.api.StartupStatus;
import io.stableserve.observe.GatewayReading;
import io.stableserve.decide.StartupTime;
import io.stableserve.api.TtftStatus;
import io.stableserve.correct.TtftCalibration;

import io.fabric8.kubernetes.api.model.Condition;
import io.stableserve.actuate.ScaleTarget;
import io.stableserve.api.CapacityStatus;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.Mode;
import io.stableserve.api.OperatorMetrics;
import io.stableserve.api.ObservedWorkload;
import io.stableserve.api.PreemptionCorrection;
import io.stableserve.api.ScalingDecision;
import io.stableserve.api.StepTimeStatus;
import io.stableserve.api.ValueSource;
import io.stableserve.settings.Durations;
import io.stableserve.decide.Decision;
import io.stableserve.decide.DecisionReason;
import io.stableserve.correct.CapacitySource;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.estimate.EngineSettings.ResolvedEngine;
import io.stableserve.estimate.Provenance;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.observe.Signal;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.MixEvaluation;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.api.VariantStatus;
import io.stableserve.decide.Mix;
import io.stableserve.decide.MixDecision;
import io.stableserve.decide.ScalingLimit;
import io.stableserve.decide.StabilityVerdict;
import java.util.OptionalDouble;
import java.util.StringJoiner;
import io.stableserve.solve.EngineConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report stage's pure half: from what a reconciliation found and did to the InferenceService's
 * status. Conditions keep their last transition time while their status does not change. The
 * pipeline's memory, kept in the same status, is the state store's ({@code reconcile.StatusStateStore}).
 */
public final class StatusReport {

  private StatusReport() {}

  /** A copy of {@code previous} (or a new status) with the common fields of this round set. */
  public static InferenceServiceStatus begin(InferenceServiceStatus previous, Long generation) {
    InferenceServiceStatus s = previous == null ? new InferenceServiceStatus() : copy(previous);
    s.setObservedGeneration(generation);
    return s;
  }

  /** The spec could not be evaluated: Ready=False InvalidSpec, nothing else touched. */
  public static void invalidSpec(InferenceServiceStatus s, String message, Long generation, Instant now) {
    condition(s, Conditions.of(Conditions.READY, false, Conditions.INVALID_SPEC, message, generation, now));
  }

  /** The target was scaled to 0 by someone else: found, not scaled. */
  public static void scalingDisabled(InferenceServiceStatus s, ScaleTarget target, String message, Long generation, Instant now) {
    s.setReplicas(0);
    condition(s, Conditions.of(Conditions.TARGET_RESOLVED, true, Conditions.TARGET_FOUND,
        target.ref() + ": 0 replicas", generation, now));
    condition(s, Conditions.of(Conditions.READY, false, Conditions.SCALING_DISABLED, message, generation, now));
  }

  /** The reconcile threw: Ready=False until a pass completes. */
  public static void reconcileError(InferenceServiceStatus s, String message, Long generation, Instant now) {
    condition(s, Conditions.of(Conditions.READY, false, Conditions.RECONCILE_ERROR, message, generation, now));
  }

  /** The decision was made but writing it to /scale failed: Ready=False until a write succeeds. */
  public static void scaleFailed(InferenceServiceStatus s, String message, Long generation, Instant now) {
    condition(s, Conditions.of(Conditions.READY, false, Conditions.FAILED_RESCALE, message, generation, now));
  }

  /** The target could not be used: TargetResolved=False, Ready=False with the same reason; no decision. */
  public static void targetUnresolved(InferenceServiceStatus s, String reason, String message, Long generation, Instant now) {
    condition(s, Conditions.of(Conditions.TARGET_RESOLVED, false, reason, message, generation, now));
    condition(s, Conditions.of(Conditions.READY, false, reason, "not scaling: " + message, generation, now));
  }

  /**
   * A full round: target found, metrics read or not, a decision made and applied or not.
   *
   * @param applied whether the decision's replicas were written to /scale this round
   * @param mode the service's mode: who applies the decision, if anyone
   */
  public static void evaluated(InferenceServiceStatus s, ScaleTarget target, Evaluation e, boolean applied,
      Mode mode, Long generation, Instant now) {
    Decision d = e.decision();
    s.setReplicas(target.replicas().spec());
    s.setDesiredReplicas(d.desiredReplicas());
    s.setTargetRefusal(target.creationRefused().orElse(null));
    // A service that had variants and now has one target keeps none of the mix's figures.
    s.setMix(null);
    s.setCostPerHour(null);
    s.setVariants(null);

    ScalingDecision last = new ScalingDecision();
    last.setTime(now.toString());
    last.setFrom(d.currentReplicas());
    last.setTo(d.desiredReplicas());
    last.setReason(d.reason().machineName());
    last.setMessage(d.message());
    last.setApplied(applied);
    s.setLastDecision(last);

    s.setTtft(e.ttft().map(c -> ttft(c, e)).orElse(null));
    e.estimate().ifPresent(est -> {
      s.setWorkload(workload(est));
      s.setMetricNames(metricNames(est));
    });
    // With no replica serving, the gateway's rate is the only arrival rate there is: the figures of
    // the last window that had replicas would read as the load now.
    e.gateway().ifPresent(g -> s.setWorkload(gatewayWorkload(g, now)));
    e.capacity().ifPresent(c -> {
      CapacityStatus cs = CapacityStatus.of(c.capacity());
      e.engine().ifPresent(engine -> engineFigures(cs, engine));
      s.setCapacity(cs);
      s.setPreemption(preemption(c, e.estimate().flatMap(est -> est.preemptionsPerSecond().isPresent()
          ? Optional.of(est.preemptionsPerSecond().getAsDouble()) : Optional.empty()), e.correctionMeasured()));
      if (s.getWorkload() != null) {
        s.getWorkload().setMemoryArea(c.model().memoryArea());
      }
      int n = target.replicas().spec();
      s.setUtilization(e.estimate().isPresent() && n > 0
          ? e.estimate().get().arrivalRate() / (n * c.capacity().stableRate()) : null);
    });

    condition(s, Conditions.of(Conditions.TARGET_RESOLVED, true, Conditions.TARGET_FOUND, String.format(Locale.ROOT,
        "%s: %d replicas, %d ready", target.ref(), target.replicas().spec(), target.replicas().ready()), generation, now));
    metricsAndReady(s, e.metricsFailure(), d.desiredReplicas() + " replicas", mode, d.message(), generation, now);
    if (e.metricsFailure().isEmpty() && mode == Mode.Enforce && ZERO_REASONS.contains(d.reason())) {
      // Why the service is at zero, or woke, is what Ready says there.
      condition(s, Conditions.of(Conditions.READY, true, d.reason().machineName(), d.message(), generation, now));
    }
    String stable = switch (d.stability()) {
      case STABLE, MARGINAL -> Conditions.TRUE;
      case UNSTABLE -> Conditions.FALSE;
      case UNKNOWN -> Conditions.UNKNOWN;
    };
    condition(s, Conditions.of(Conditions.STABLE, stable, d.stability().machineName(), d.stabilityMessage(), generation, now));
    condition(s, Conditions.of(Conditions.SCALING_LIMITED, d.limited(), d.limit().machineName(),
        d.limited() ? d.message() : "the decision was not clamped", generation, now));
  }

  private static final java.util.Set<DecisionReason> ZERO_REASONS = java.util.EnumSet.of(DecisionReason.SCALED_TO_ZERO,
      DecisionReason.IDLE_AT_ZERO, DecisionReason.WOKE_ON_HELD_REQUESTS);

  /** MetricsAvailable and Ready: with a metrics failure both False with its reason, the count held. */
  private static void metricsAndReady(InferenceServiceStatus s, Optional<Evaluation.MetricsFailure> failure, String held,
      Mode mode, String message, Long generation, Instant now) {
    if (failure.isPresent()) {
      Evaluation.MetricsFailure f = failure.get();
      condition(s, Conditions.of(Conditions.METRICS_AVAILABLE, false, f.reason(), f.message(), generation, now));
      condition(s, Conditions.of(Conditions.READY, false, f.reason(), "holding " + held + ": " + f.message(), generation, now));
    } else {
      condition(s, Conditions.of(Conditions.METRICS_AVAILABLE, true, Conditions.METRICS_FOUND,
          "read " + String.join(", ", s.getMetricNames()), generation, now));
      String reason = switch (mode) {
        case Enforce -> Conditions.RECONCILED;
        case Recommend -> Conditions.RECOMMENDING;
        case Metric -> Conditions.EXPORTING_METRIC;
      };
      String said = switch (mode) {
        case Enforce -> "";
        case Recommend -> "recommending (never writes /scale): ";
        case Metric -> "exporting the count as " + OperatorMetrics.DESIRED_REPLICAS + " (never writes /scale): ";
      };
      condition(s, Conditions.of(Conditions.READY, true, reason, said + message, generation, now));
    }
  }

  /**
   * A full round for a service of several variants: every variant's target found, metrics read or
   * not, a mix decided and applied or not.
   *
   * @param targets one per variant, in the spec's order
   * @param applied whether the mix was written to the variants' /scale this round
   */
  public static void mixEvaluated(InferenceServiceStatus s, List<ScaleTarget> targets, MixEvaluation e, boolean applied,
      Mode mode, Long generation, Instant now) {
    Mix mix = e.mix();
    // A service that had one target keeps none of its figures: they are per variant now, or not kept.
    s.setCapacity(null);
    s.setPreemption(null);
    s.setTtft(e.sizing().flatMap(sizing -> sizing.ttft().map(c -> ttft(c, sizing))).orElse(null));
    s.setEngineRecommendation(null);
    s.setReplicas(e.current().replicas());
    s.setDesiredReplicas(mix.replicas());
    s.setMix(e.describe(mix));
    s.setCostPerHour(e.costPerHour(mix));
    OptionalDouble utilization = e.utilization(e.current());
    s.setUtilization(utilization.isPresent() ? utilization.getAsDouble() : null);
    List<VariantStatus> variants = new ArrayList<>();
    StringJoiner found = new StringJoiner("; ");
    for (int v = 0; v < targets.size(); v++) {
      MixEvaluation.VariantCapacity capacity = e.variants().get(v);
      ScaleTarget target = targets.get(v);
      VariantStatus vs = new VariantStatus();
      vs.setName(capacity.name());
      vs.setReplicas(target.replicas().spec());
      vs.setReadyReplicas(target.replicas().ready());
      vs.setDesiredReplicas(mix.count(v));
      capacity.stableRate().ifPresent(vs::setStableRatePerReplica);
      vs.setCostPerHour(mix.count(v) * capacity.costPerHour());
      vs.setUtilization(target.replicas().spec() > 0 ? s.getUtilization() : null);
      vs.setStalledUntil(e.stalls().get(v).retryAt(ScalingPipeline.STALLED_RETRY).map(Instant::toString).orElse(null));
      vs.setTargetRefusal(target.creationRefused().orElse(null));
      variants.add(vs);
      found.add(String.format(Locale.ROOT, "%s: %s: %d replicas, %d ready", capacity.name(), target.ref(),
          target.replicas().spec(), target.replicas().ready()));
    }
    s.setVariants(variants);
    ScalingDecision last = new ScalingDecision();
    last.setTime(now.toString());
    last.setFrom(e.current().replicas());
    last.setTo(mix.replicas());
    last.setReason(e.reason());
    last.setMessage(e.message());
    last.setApplied(applied);
    s.setLastDecision(last);
    if (applied) {
      s.setLastScaleTime(now.toString());
    }
    e.estimate().ifPresent(est -> {
      s.setWorkload(workload(est));
      s.setMetricNames(metricNames(est));
    });

    condition(s, Conditions.of(Conditions.TARGET_RESOLVED, true, Conditions.TARGET_FOUND, found.toString(), generation, now));
    metricsAndReady(s, e.metricsFailure(), "the mix " + e.describe(mix), mode, e.message(), generation, now);
    if (utilization.isEmpty()) {
      condition(s, Conditions.of(Conditions.STABLE, Conditions.UNKNOWN, StabilityVerdict.UNKNOWN.machineName(),
          "the current mix's utilization is not known this round", generation, now));
    } else {
      boolean stable = utilization.getAsDouble() < 1;
      condition(s, Conditions.of(Conditions.STABLE, stable ? Conditions.TRUE : Conditions.FALSE,
          (stable ? StabilityVerdict.STABLE : StabilityVerdict.UNSTABLE).machineName(), String.format(Locale.ROOT,
              "utilization %.3f at the current mix %s: λ̂ over the capacity of its replicas", utilization.getAsDouble(),
              e.describe(e.current())), generation, now));
    }
    boolean limited = e.decision().map(d -> d.reason() == MixDecision.Reason.UNREACHABLE).orElse(false);
    condition(s, Conditions.of(Conditions.SCALING_LIMITED, limited,
        limited ? MixDecision.Reason.UNREACHABLE.machineName() : ScalingLimit.NONE.machineName(),
        limited ? e.message() : "a mix within the variants' bounds holds the demand", generation, now));
  }

  /** The start-up time the decision used: the measured one, else {@code given}, the spec's. */
  public static void startupUsed(InferenceServiceStatus s, StartupTime startup, Duration given) {
    if (s.getStartup() == null) {
      s.setStartup(new StartupStatus());
    }
    s.getStartup().setSeconds(startup.effective(given).toMillis() / 1000.0);
    s.getStartup().setSource(startup.measured().isPresent() ? StartupStatus.MEASURED : StartupStatus.SPEC);
  }

  static TtftStatus ttft(TtftCalibration c, Evaluation e) {
    TtftStatus t = new TtftStatus();
    e.decision().slo().ifPresent(slo -> {
      t.setTargetSeconds(slo.targetSeconds());
      t.setPercentile(slo.percentile());
    });
    c.observedSeconds().ifPresent(t::setObservedSeconds);
    c.predictedSeconds().ifPresent(t::setPredictedSeconds);
    t.setCalibrationFactor(c.factor());
    e.decision().predictedTtftSeconds().ifPresent(t::setPredictedAtDesiredSeconds);
    return t;
  }

  static ObservedWorkload gatewayWorkload(GatewayReading gateway, Instant now) {
    ObservedWorkload w = new ObservedWorkload();
    gateway.arrivalRate().ifPresent(w::setArrivalRate);
    w.setObservedAt(now.toString());
    return w;
  }

  static ObservedWorkload workload(ServiceEstimate est) {
    ObservedWorkload w = new ObservedWorkload();
    w.setArrivalRate(est.arrivalRate());
    est.workload().ifPresent(load -> {
      var m = load.moments();
      w.setPromptTokensMean(m.meanPrompt());
      w.setPromptTokensSecondMoment(m.meanPromptSquare());
      w.setOutputTokensMean(m.meanOutput());
      w.setOutputTokensSecondMoment(m.meanOutputSquare());
    });
    est.arrivals().burstiness().ifPresent(w::setBurstiness);
    est.arrivals().rise().ifPresent(r -> {
      w.setArrivalRateSinceRise(r.rateAfter());
      w.setRiseSecondsAgo(r.secondsAgo());
    });
    w.setWindow(Durations.format(est.window()));
    w.setObservedAt(est.at().toString());
    return w;
  }

  static List<String> metricNames(ServiceEstimate est) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Signal, String> found : est.metricNames().found().entrySet()) {
      out.add(camel(found.getKey()) + "=" + found.getValue());
    }
    for (Signal missing : est.metricNames().missing()) {
      out.add(camel(missing) + "=missing");
    }
    return out;
  }

  private static void engineFigures(CapacityStatus cs, ResolvedEngine engine) {
    EngineConfig config = engine.config();
    cs.setKvCacheTokens(config.kvCacheTokens());
    cs.setKvCacheTokensSource(source(engine.kvCacheTokens()));
    cs.setChunkTokens(config.chunkTokens());
    cs.setChunkTokensSource(source(engine.chunkTokens()));
    if (config.maxNumSeqs().isPresent()) {
      cs.setMaxNumSeqs(config.maxNumSeqs().getAsInt());
      cs.setMaxNumSeqsSource(ValueSource.Given);
    }
    if (config.maxBatchedTokens().isPresent()) {
      cs.setMaxBatchedTokens(config.maxBatchedTokens().getAsInt());
      cs.setMaxBatchedTokensSource(ValueSource.Given);
    }
    StepTimeStatus step = new StepTimeStatus();
    step.setBaseSeconds(config.stepTime().baseSeconds());
    step.setSecondsPerToken(config.stepTime().secondsPerToken());
    step.setSecondsPerKvToken(config.stepTime().secondsPerKvToken());
    step.setSource(source(engine.stepTime()));
    cs.setStepTime(step);
  }

  static ValueSource source(Provenance p) {
    return switch (p) {
      case GIVEN -> ValueSource.Given;
      case OBSERVED -> ValueSource.Observed;
      case DEFAULT -> ValueSource.Default;
    };
  }

  private static PreemptionCorrection preemption(CorrectedCapacity c, Optional<Double> rate,
      Optional<io.stableserve.correct.CapacityCorrection.Measured> measured) {
    PreemptionCorrection p = new PreemptionCorrection();
    measured.ifPresent(m -> {
      p.setMeasuredAt(m.measuredAt().toString());
      p.setMeasuredModelStableRate(m.modelStableRate());
    });
    p.setRate(rate.orElse(null));
    p.setApplied(c.source() != CapacitySource.MODEL);
    p.setModelStableRate(c.model().stableRate());
    p.setCorrectedStableRate(c.capacity().stableRate());
    p.setMessage(c.source().machineName() + ": " + c.explanation());
    return p;
  }

  private static void condition(InferenceServiceStatus s, Condition c) {
    s.setConditions(Conditions.merge(s.getConditions(), c));
  }

  static String camel(Signal signal) {
    String[] parts = signal.name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder b = new StringBuilder(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      b.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
    }
    return b.toString();
  }

  private static InferenceServiceStatus copy(InferenceServiceStatus previous) {
    return io.fabric8.kubernetes.client.utils.Serialization.clone(previous);
  }
}
