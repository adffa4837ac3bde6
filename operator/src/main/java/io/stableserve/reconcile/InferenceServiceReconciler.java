package io.stableserve.reconcile;

import io.stableserve.report.ChangeEvents;

import io.stableserve.pipeline.ServiceSettings;

import io.stableserve.observe.Observer;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.StateStore;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.stableserve.actuate.DecisionSeries;
import io.stableserve.actuate.ScaleFailedException;
import io.stableserve.actuate.ScaleTarget;
import io.stableserve.actuate.ScaleTargets;
import io.stableserve.actuate.TargetResolution;
import io.stableserve.api.Conditions;
import io.stableserve.api.EngineRecommendation;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.Mode;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.api.VariantSpec;
import io.stableserve.decide.Mix;
import io.stableserve.decide.VariantStall;
import io.stableserve.pipeline.MixEvaluation;
import io.stableserve.pipeline.MixSettings;
import io.stableserve.settings.Defaults;
import io.stableserve.decide.Decision;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.DecisionReason;
import io.stableserve.correct.CapacitySource;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.estimate.BinnedLengths;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.observe.prometheus.PrometheusSource;
import io.stableserve.report.EventRecorder;
import io.stableserve.report.MetricsRecorder;
import io.stableserve.report.StatusReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation of an InferenceService: resolve the target (actuate's edge), observe →
 * estimate → solve → correct → decide ({@link ScalingPipeline}), write /scale in Enforce mode, then report
 * (status with conditions and the stabilisation state, Events on changes, operator metrics). It
 * runs again every {@code behavior.pollInterval}.
 *
 * <p>Events go through {@link ChangeEvents}, which emits them on changes only, judged against the
 * status the service came with: a rescale, a failed rescale, metrics or target becoming unusable
 * (or the reason changing), the service becoming unstable, a preemption correction starting, a new
 * engine recommendation above 5% gain, and in Recommend and Metric mode a new recommended count.
 */
@ControllerConfiguration(name = InferenceServiceReconciler.NAME, triggerReconcilerOnAllEvents = true)
public final class InferenceServiceReconciler implements Reconciler<InferenceService> {

  public static final String NAME = "inferenceservice";
  static final Duration DEFAULT_POLL = Duration.ofSeconds(15);
  private static final Logger LOG = LoggerFactory.getLogger(InferenceServiceReconciler.class);

  private final ScaleTargets targets;
  private final Function<PrometheusSource, Observer> observers;
  private final StateStore<InferenceService> memories = new StatusStateStore();
  private final SecretReader secrets;
  private final EventRecorder events;
  private final MetricsRecorder metrics;
  private final EngineAdvisor advisor;
  private final StatusWriter statusWriter;
  private final Clock clock;

  /** @param observers the observe stage for a Prometheus source (one observer, and HTTP client, per source) */
  public InferenceServiceReconciler(ScaleTargets targets, Function<PrometheusSource, Observer> observers, SecretReader secrets,
      EventRecorder events, MetricsRecorder metrics, EngineAdvisor advisor, StatusWriter statusWriter, Clock clock) {
    this.targets = Objects.requireNonNull(targets, "scale targets");
    this.observers = Objects.requireNonNull(observers, "observers");
    this.secrets = Objects.requireNonNull(secrets, "secret reader");
    this.events = Objects.requireNonNull(events, "event recorder");
    this.metrics = Objects.requireNonNull(metrics, "operator metrics");
    this.advisor = Objects.requireNonNull(advisor, "engine advisor");
    this.statusWriter = Objects.requireNonNull(statusWriter, "status writer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public UpdateControl<InferenceService> reconcile(InferenceService service, Context<InferenceService> context) {
    // Called for deletions too (triggerReconcilerOnAllEvents): a gone service's series go, no finalizer needed.
    if (context.isPrimaryResourceDeleted() || service.isMarkedForDeletion()) {
      metrics.forget(service.getMetadata().getNamespace(), service.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    long started = System.nanoTime();
    try {
      boolean[] written = {false};
      Duration next = reconcileOnce(service, context.getPrimaryCache().list(service.getMetadata().getNamespace()).toList(),
          () -> {
            statusWriter.write(service, context);
            written[0] = true;
          });
      metrics.reconciled(true, seconds(started));
      if (written[0]) {
        // Written already; the SDK's own patch, a diff from the version the pass began with, would
        // apply to a newer one.
        return UpdateControl.<InferenceService>noUpdate().rescheduleAfter(next);
      }
      return UpdateControl.patchStatus(service).rescheduleAfter(next);
    } catch (RuntimeException e) {
      metrics.reconciled(false, seconds(started));
      throw e;
    }
  }

  /**
   * A reconcile that threw (an API server error it could not handle): the status says so instead of
   * keeping the last pass's Ready, and JOSDK retries with back-off.
   */
  @Override
  public ErrorStatusUpdateControl<InferenceService> updateErrorStatus(InferenceService service, Context<InferenceService> context,
      Exception e) {
    InferenceServiceStatus previous = service.getStatus();
    InferenceServiceStatus status = StatusReport.begin(previous, service.getMetadata().getGeneration());
    String message = "reconcile failed, retrying with back-off: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    StatusReport.reconcileError(status, message, service.getMetadata().getGeneration(), clock.instant());
    new ChangeEvents(events, service, previous).whenConditionTurnsFalse(Conditions.READY, Conditions.RECONCILE_ERROR,
        EventRecorder.WARNING, Conditions.RECONCILE_ERROR, message);
    service.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(service);
  }

  /**
   * @param inNamespace the InferenceServices of the service's namespace, for the one-claim-per-target check
   * @param writeStatus writes the status as it stands: before {@code /scale}, and again if it fails
   */
  private Duration reconcileOnce(InferenceService service, List<InferenceService> inNamespace, Runnable writeStatus) {
    Instant now = clock.instant();
    Long generation = service.getMetadata().getGeneration();
    String namespace = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    InferenceServiceStatus previous = service.getStatus();
    ServiceMemory memory = memories.load(service);
    InferenceServiceStatus status = StatusReport.begin(previous, generation);
    ChangeEvents changes = new ChangeEvents(events, service, previous);
    service.setStatus(status);
    InferenceServiceSpec spec = service.getSpec();

    Duration poll = DEFAULT_POLL;
    if (spec != null && spec.hasVariants()) {
      return reconcileMix(service, previous, memory, inNamespace, writeStatus, changes, now);
    }
    MetricsSource metricsSource;
    ServiceSettings settings;
    try {
      if (spec == null || spec.getScaleTargetRef() == null) {
        throw new IllegalArgumentException("spec.scaleTargetRef is required");
      }
      poll = spec.effectiveBehavior().pollIntervalDuration();
      settings = SpecMapping.settings(spec);
      metricsSource = metricsSource(namespace, spec.getMetrics());
    } catch (IllegalArgumentException e) {
      return invalid(service, previous, status, e.getMessage(), generation, now, poll);
    }
    PrometheusSource source = metricsSource.source();
    Optional<Evaluation.MetricsFailure> secretFailure = metricsSource.secretFailure();

    Mode mode = spec.effectiveMode();
    TargetResolution resolution = resolveUnclaimed(service, spec.getScaleTargetRef(), "spec.scaleTargetRef", inNamespace);
    if (resolution instanceof TargetResolution.Unresolved u) {
      StatusReport.targetUnresolved(status, u.reason(), u.message(), generation, now);
      changes.whenConditionTurnsFalse(Conditions.TARGET_RESOLVED, u.reason(), EventRecorder.WARNING, u.reason(), u.message());
      LOG.debug("{}/{}: target not resolved ({}): {}", namespace, name, u.reason(), u.message());
      return poll;
    }
    ScaleTarget target = ((TargetResolution.Resolved) resolution).target();
    // In Recommend and Metric mode the replicas are someone else's to set.
    changedElsewhere(previous, target).filter(m -> mode == Mode.Enforce).ifPresent(message -> {
      changes.always(EventRecorder.WARNING, Conditions.REPLICAS_CHANGED_ELSEWHERE, message);
      LOG.warn("{}/{}: {}", namespace, name, message);
    });
    if (target.replicas().spec() == 0 && settings.policy().scaleToZero().isEmpty()) {
      // Someone scaled the target to zero by hand: as the HPA does, that pauses scaling until the
      // target has a replica again, rather than undoing it. With replicas.min 0, zero is a count the
      // pipeline manages: it stays there until the gateway holds a request.
      String message = target.ref() + " has 0 replicas: scaling is paused until it has at least one (scale it up to resume)";
      StatusReport.scalingDisabled(status, target, message, generation, now);
      changes.whenConditionTurnsFalse(Conditions.READY, Conditions.SCALING_DISABLED, EventRecorder.NORMAL,
          Conditions.SCALING_DISABLED, message);
      return poll;
    }

    ReplicaCounts counts = mode == Mode.Metric ? exportedCount(previous)
        .map(n -> new ReplicaCounts(n, target.replicas().ready())).orElse(target.replicas()) : target.replicas();
    Evaluation evaluation;
    try {
      evaluation = secretFailure.isPresent()
          ? ScalingPipeline.unavailable(secretFailure.get(), settings, memory, counts, now)
          : ScalingPipeline.observeAndEvaluate(observers.apply(source), settings, memory, counts, now);
    } catch (IllegalArgumentException e) {
      return invalid(service, previous, status, e.getMessage(), generation, now, poll);
    }
    Decision decision = evaluation.decision();
    boolean scales = mode == Mode.Enforce && decision.scales();
    boolean exportsNewCount = mode == Mode.Metric && decision.scales();
    // A pass that scales writes its status, as it will stand once /scale is written, before /scale:
    // a crash between the two would otherwise lose the scale time and the recommendation, and the
    // next pass could scale down at once. One write, so the next pass and the SDK's patches start
    // from the version written; only a failed /scale writes the status a second time.
    StatusReport.evaluated(status, target, evaluation, scales, mode, generation, now);
    StatusReport.startupUsed(status, evaluation.startup(), settings.policy().behavior().startupTime());
    memories.store(service, memory.after(evaluation, scales || exportsNewCount, now));
    reportEvents(changes, memory, evaluation);
    target.creationRefused().ifPresent(refusal -> changes.whenTargetRefusalChanges(refusal, REPLICAS_REFUSED, String.format(Locale.ROOT,
        "%s reports the replicas asked for refused: %s; %d asked for, %d ready: the others will not come until what it names "
            + "is fixed (a quota?); replicas not ready within the start-up time are not counted as coming capacity",
        target.ref(), refusal, target.replicas().spec(), target.replicas().ready())));
    adviseEngine(changes, status, evaluation, settings.window().length());
    if (scales) {
      writeStatus.run();
      try {
        targets.scale(namespace, spec.getScaleTargetRef(), decision.desiredReplicas());
        changes.always(EventRecorder.NORMAL, Conditions.SUCCESSFUL_RESCALE, String.format(Locale.ROOT,
            "New size: %d; reason: %s: %s", decision.desiredReplicas(), decision.reason().machineName(), decision.message()));
      } catch (ScaleFailedException e) {
        StatusReport.evaluated(status, target, evaluation, false, Mode.Enforce, generation, now);
        StatusReport.scaleFailed(status, e.getMessage(), generation, now);
        memories.store(service, memory.after(evaluation, false, now));
        // Once per run of failures, not once per poll: Ready=False with this reason says it goes on.
        changes.whenConditionTurnsFalse(Conditions.READY, Conditions.FAILED_RESCALE, EventRecorder.WARNING,
            Conditions.FAILED_RESCALE, e.getMessage());
        LOG.warn("{}/{}: {}", namespace, name, e.getMessage());
        writeStatus.run();
      }
    } else if (mode == Mode.Recommend && decision.scales()) {
      changes.whenRecommendationChanges(decision.desiredReplicas(), decision.reason().machineName(),
          "Recommend mode, /scale not written: " + decision.message());
    } else if (exportsNewCount) {
      changes.whenRecommendationChanges(decision.desiredReplicas(), decision.reason().machineName(),
          "Metric mode, /scale not written, " + decision.desiredReplicas() + " exported as "
              + new DecisionSeries(namespace, name) + ": " + decision.message());
    } else if (decision.reason() == DecisionReason.SCALE_UP_SETTLING) {
      changes.whenSettlingBegins(decision.reason().machineName(), decision.message());
    }

    metrics.decided(namespace, name, spec.effectiveTargetUtilization(), decision, evaluation.metricsFailure().isEmpty(),
        evaluation.estimate().map(e -> java.util.OptionalDouble.of(e.arrivalRate())).orElse(java.util.OptionalDouble.empty()),
        evaluation.capacity().map(CorrectedCapacity::capacity).orElse(null),
        evaluation.estimate().map(ServiceEstimate::preemptionsPerSecond).orElse(java.util.OptionalDouble.empty()));
    if (decision.scales()) {
      // The capacity's own account when it is not the model's as solved: the decision's message shows only μ̂.
      String correction = evaluation.capacity().filter(CorrectedCapacity::corrected)
          .map(c -> "; μ̂ " + c.source().machineName() + ": " + c.explanation()).orElse("");
      LOG.info("{}/{}: {}{}", namespace, name, decision.message(), correction);
    } else {
      LOG.debug("{}/{}: {}", namespace, name, decision.message());
    }
    return poll;
  }

  /**
   * In Metric mode, the count the last pass exported: the replicas the service is decided from, as
   * Enforce mode decides from the count it wrote. The target's own count lags it by a scrape and the
   * reader's poll; deciding from that, a pass that holds would export the old count again and undo a
   * change still on its way. Empty before the first decision.
   */
  static Optional<Integer> exportedCount(InferenceServiceStatus previous) {
    return previous == null || previous.getLastDecision() == null ? Optional.empty()
        : Optional.ofNullable(previous.getDesiredReplicas());
  }

  /** The target resolved, unless an older InferenceService of the namespace already scales it. */
  private TargetResolution resolveUnclaimed(InferenceService service, ScaleTargetRef ref, String field,
      List<InferenceService> inNamespace) {
    Optional<InferenceService> claimed = TargetClaims.olderClaim(service, ref, inNamespace);
    return claimed.isPresent()
        ? new TargetResolution.Unresolved(Conditions.TARGET_CLAIMED, "InferenceService " + claimed.get().getMetadata().getName()
            + " already scales " + ref + " (the oldest claim wins): delete one of them or point " + field + " elsewhere")
        : targets.resolve(service.getMetadata().getNamespace(), ref, service.getSpec().effectiveMode() == Mode.Metric
            ? Optional.of(new DecisionSeries(service.getMetadata().getNamespace(), service.getMetadata().getName()))
            : Optional.empty());
  }

  /** Where the service's metrics are read, and why they cannot be when a named Secret is missing. */
  private record MetricsSource(PrometheusSource source, Optional<Evaluation.MetricsFailure> secretFailure) {}

  private MetricsSource metricsSource(String namespace, MetricsSpec m) {
    Optional<String> token = Optional.empty();
    Optional<String> ca = Optional.empty();
    Optional<Evaluation.MetricsFailure> secretFailure = Optional.empty();
    try {
      if (m != null && m.getBearerTokenSecretRef() != null) {
        token = Optional.of(secrets.read(namespace, m.getBearerTokenSecretRef()));
      }
      if (m != null && m.getCaSecretRef() != null) {
        ca = Optional.of(secrets.read(namespace, m.getCaSecretRef()));
      }
    } catch (SecretReader.SecretUnavailableException e) {
      secretFailure = Optional.of(new Evaluation.MetricsFailure(Conditions.SECRET_NOT_FOUND, e.getMessage()));
    }
    return new MetricsSource(SpecMapping.source(m, token, ca), secretFailure);
  }

  /**
   * A pass for a service of several variants: resolve every variant's target (each one checked for
   * another claim as a single target is), observe the service and each variant, decide the mix
   * ({@link ScalingPipeline#evaluateMix}), then, in Enforce mode and when the mix changes, write the
   * status and then each changed variant's /scale, the variants that grow before those that shrink.
   */
  private Duration reconcileMix(InferenceService service, InferenceServiceStatus previous, ServiceMemory memory,
      List<InferenceService> inNamespace, Runnable writeStatus, ChangeEvents changes, Instant now) {
    InferenceServiceSpec spec = service.getSpec();
    InferenceServiceStatus status = service.getStatus();
    Long generation = service.getMetadata().getGeneration();
    String namespace = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    Duration poll = DEFAULT_POLL;
    MixSettings settings;
    MetricsSource metricsSource;
    try {
      poll = spec.effectiveBehavior().pollIntervalDuration();
      settings = SpecMapping.mixSettings(spec);
      metricsSource = metricsSource(namespace, spec.getMetrics());
    } catch (IllegalArgumentException e) {
      return invalid(service, previous, status, e.getMessage(), generation, now, poll);
    }
    List<VariantSpec> variants = spec.getVariants();
    List<ScaleTarget> resolved = new ArrayList<>();
    for (VariantSpec variant : variants) {
      TargetResolution resolution = resolveUnclaimed(service, variant.getScaleTargetRef(), "the variant's scaleTargetRef",
          inNamespace);
      if (resolution instanceof TargetResolution.Unresolved u) {
        String message = "variant " + variant.getName() + ": " + u.message();
        StatusReport.targetUnresolved(status, u.reason(), message, generation, now);
        changes.whenConditionTurnsFalse(Conditions.TARGET_RESOLVED, u.reason(), EventRecorder.WARNING, u.reason(), message);
        LOG.debug("{}/{}: target not resolved ({}): {}", namespace, name, u.reason(), message);
        return poll;
      }
      resolved.add(((TargetResolution.Resolved) resolution).target());
    }
    Mix current = new Mix(resolved.stream().map(t -> t.replicas().spec()).toList());
    Mix ready = new Mix(resolved.stream().map(t -> t.replicas().ready()).toList());
    List<Optional<String>> refusals = resolved.stream().map(ScaleTarget::creationRefused).toList();
    if (current.replicas() == 0) {
      // As for one target scaled to zero by hand: paused until a variant has a replica again.
      String message = "every variant has 0 replicas: scaling is paused until one has at least one (scale one up to resume)";
      StatusReport.scalingDisabled(status, resolved.get(0), message, generation, now);
      changes.whenConditionTurnsFalse(Conditions.READY, Conditions.SCALING_DISABLED, EventRecorder.NORMAL,
          Conditions.SCALING_DISABLED, message);
      return poll;
    }

    MixEvaluation evaluation;
    try {
      evaluation = metricsSource.secretFailure().isPresent()
          ? ScalingPipeline.unavailableMix(metricsSource.secretFailure().get(), settings, memory, current, ready, refusals, now)
          : ScalingPipeline.observeAndEvaluateMix(observers.apply(metricsSource.source()),
              variants.stream().map(v -> observers.apply(metricsSource.source().narrowedTo(v.getSelector()))).toList(),
              settings, memory, current, ready, refusals, now);
    } catch (IllegalArgumentException e) {
      return invalid(service, previous, status, e.getMessage(), generation, now, poll);
    }
    boolean recommend = spec.effectiveMode() == Mode.Recommend;
    boolean scales = !recommend && evaluation.changes();
    String summary = String.format(Locale.ROOT, "%s (was %s), %.4g per hour; reason: %s: %s",
        evaluation.describe(evaluation.mix()), evaluation.describe(current), evaluation.costPerHour(evaluation.mix()),
        evaluation.reason(), evaluation.message());
    StatusReport.mixEvaluated(status, resolved, evaluation, scales, spec.effectiveMode(), generation, now);
    metrics.mixDecided(namespace, name, evaluation);
    evaluation.sizing().ifPresent(sizing -> StatusReport.startupUsed(status, sizing.startup(), settings.behavior().startupTime()));
    memories.store(service, memoryAfter(memory, evaluation, scales, now));
    for (int v = 0; v < variants.size(); v++) {
      String variant = variants.get(v).getName();
      if (evaluation.stalls().get(v).stalled() && !memory.variantStalls().getOrDefault(variant, VariantStall.none()).stalled()) {
        Instant retry = evaluation.stalls().get(v).retryAt(ScalingPipeline.STALLED_RETRY).orElseThrow();
        changes.always(EventRecorder.WARNING, VARIANT_STALLED, refusals.get(v).isPresent()
            ? String.format(Locale.ROOT, "variant %s: %d replicas asked for, %d ready, and its %s reports them refused: %s; "
                + "counted at its ready replicas and asked for no more until %s; fix what it names (a quota?)",
                variant, current.count(v), ready.count(v), variants.get(v).getScaleTargetRef(), refusals.get(v).get(), retry)
            : String.format(Locale.ROOT,
            "variant %s: %d replicas asked for, %d ready, none more within %d start-up times: counted at its ready replicas "
                + "and asked for no more until %s; check its quota, its nodes and its pods' events",
            variant, current.count(v), ready.count(v), Defaults.STALL_AFTER_STARTUPS, retry));
      }
    }
    evaluation.metricsFailure().ifPresent(f -> changes.whenConditionTurnsFalse(Conditions.METRICS_AVAILABLE, f.reason(),
        EventRecorder.WARNING, Conditions.METRICS_UNAVAILABLE,
        f.reason() + ": " + f.message() + "; holding the mix " + evaluation.describe(current)));
    if (scales) {
      writeStatus.run();
      try {
        for (int v : growingFirst(current, evaluation.mix())) {
          targets.scale(namespace, variants.get(v).getScaleTargetRef(), evaluation.mix().count(v));
        }
        changes.always(EventRecorder.NORMAL, Conditions.SUCCESSFUL_RESCALE, "New mix: " + summary);
        LOG.info("{}/{}: new mix {}", namespace, name, summary);
      } catch (ScaleFailedException e) {
        StatusReport.mixEvaluated(status, resolved, evaluation, false, Mode.Enforce, generation, now);
        memories.store(service, memoryAfter(memory, evaluation, false, now));
        StatusReport.scaleFailed(status, e.getMessage(), generation, now);
        changes.whenConditionTurnsFalse(Conditions.READY, Conditions.FAILED_RESCALE, EventRecorder.WARNING,
            Conditions.FAILED_RESCALE, e.getMessage());
        LOG.warn("{}/{}: {}", namespace, name, e.getMessage());
        writeStatus.run();
      }
    } else if (recommend && evaluation.changes()) {
      changes.whenMixRecommendationChanges(evaluation.describe(evaluation.mix()), evaluation.reason(),
          "Recommend mode, /scale not written: " + summary);
    } else {
      LOG.debug("{}/{}: {}", namespace, name, summary);
    }
    return poll;
  }

  /** Event reason: the one target reports the replicas asked for refused (a Deployment's ReplicaFailure). */
  static final String REPLICAS_REFUSED = "ReplicasRefused";

  /** Event reason: a variant's replicas do not become ready, so the mix counts it at those that serve. */
  static final String VARIANT_STALLED = "VariantStalled";

  /** The service's memory after a pass of its mix: the sizing pass's, when there was one, and each variant's stall. */
  private static ServiceMemory memoryAfter(ServiceMemory memory, MixEvaluation evaluation, boolean applied, Instant now) {
    return evaluation.sizing().map(sizing -> memory.after(sizing, applied, now)).orElse(memory)
        .withVariantStalls(evaluation.stallsByName());
  }

  /** The variants whose count changes, those that grow first: capacity is added before any is removed. */
  static List<Integer> growingFirst(Mix current, Mix next) {
    List<Integer> order = new ArrayList<>();
    for (int v = 0; v < next.size(); v++) {
      if (next.count(v) > current.count(v)) {
        order.add(v);
      }
    }
    for (int v = 0; v < next.size(); v++) {
      if (next.count(v) < current.count(v)) {
        order.add(v);
      }
    }
    return order;
  }

  /**
   * The target's replicas are not what the last pass left them at: something else wrote them.
   * StableServe still decides from the count it finds; the Event says who to look for.
   */
  static Optional<String> changedElsewhere(InferenceServiceStatus previous, ScaleTarget target) {
    if (previous == null || previous.getReplicas() == null || previous.getLastDecision() == null) {
      return Optional.empty();
    }
    boolean written = Boolean.TRUE.equals(previous.getLastDecision().getApplied());
    Integer left = written ? previous.getLastDecision().getTo() : previous.getReplicas();
    int now = target.replicas().spec();
    // A pass writes its status before /scale, so a pass that stopped between the two leaves the
    // target at the decision's "from" count although the status says it was written.
    boolean notReached = written && Objects.equals(previous.getLastDecision().getFrom(), now);
    if (left == null || left == now || notReached) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "%s has %d replicas where StableServe left %d: something else sets them "
        + "(a GitOps tool re-applying spec.replicas, kubectl scale, another controller); leave spec.replicas out of the "
        + "applied manifest, or run StableServe in Recommend mode", target.ref(), now, left));
  }

  private static void reportEvents(ChangeEvents changes, ServiceMemory memory, Evaluation evaluation) {
    evaluation.metricsFailure().ifPresent(f -> changes.whenConditionTurnsFalse(Conditions.METRICS_AVAILABLE, f.reason(),
        EventRecorder.WARNING, Conditions.METRICS_UNAVAILABLE,
        f.reason() + ": " + f.message() + "; holding " + evaluation.decision().desiredReplicas() + " replicas"));
    Decision d = evaluation.decision();
    if (d.stability() == io.stableserve.decide.StabilityVerdict.UNSTABLE) {
      changes.whenConditionTurnsFalse(Conditions.STABLE, d.stability().machineName(), EventRecorder.WARNING,
          d.stability().machineName(), d.stabilityMessage());
    }
    evaluation.capacity().filter(c -> c.source() != CapacitySource.MODEL).ifPresent(c ->
        changes.whenCorrectionBegins(memory.correction().isPresent(), Conditions.PREEMPTING, String.format(Locale.ROOT,
            "stable rate per replica corrected from %.3g to %.3g req/s: %s", c.model().stableRate(),
            c.capacity().stableRate(), c.explanation())));
  }

  /**
   * Advice waits for a full window whose prompt and output means are known within this share (one
   * standard error): advice searched on a few requests' lengths wanders from window to window.
   */
  static final double ADVICE_MEAN_ERROR = 0.10;

  private void adviseEngine(ChangeEvents changes, InferenceServiceStatus status, Evaluation evaluation, Duration window) {
    if (evaluation.capacity().isEmpty() || evaluation.engine().isEmpty()
        || evaluation.estimate().flatMap(ServiceEstimate::workload).isEmpty()) {
      return;
    }
    ServiceEstimate estimate = evaluation.estimate().get();
    WorkloadEstimate lengths = estimate.workload().get();
    double error = Math.max(relativeError(lengths.prompt()), relativeError(lengths.output()));
    if (estimate.window().compareTo(window) < 0 || !(error <= ADVICE_MEAN_ERROR)) {
      // The last advice stays, so that advice that comes back unchanged is not announced again.
      EngineRecommendation waiting = Optional.ofNullable(status.getEngineRecommendation()).orElseGet(EngineRecommendation::new);
      waiting.setWaitingFor(String.format(Locale.ROOT,
          "a full %d s window whose prompt and output means are known within %.0f%% (now %d s, ±%.0f%% from %d completed requests)",
          window.toSeconds(), 100 * ADVICE_MEAN_ERROR, estimate.window().toSeconds(), 100 * error,
          Math.round(lengths.prompt().requests())));
      status.setEngineRecommendation(waiting);
      return;
    }
    Optional<EngineAdvice> advice = advisor.advise(lengths, evaluation.engine().get().config(),
        evaluation.capacity().get().capacity());
    if (advice.isEmpty()) {
      status.setEngineRecommendation(null);
      return;
    }
    EngineAdvice a = advice.get();
    EngineRecommendation r = new EngineRecommendation();
    r.setSetting(a.setting());
    r.setValue(a.value());
    a.currentValue().ifPresent(r::setCurrentValue);
    r.setCurrentStableRate(a.currentStableRate());
    r.setRecommendedStableRate(a.recommendedStableRate());
    r.setGain(a.gain());
    status.setEngineRecommendation(r);
    if (a.gain() > EngineAdvisor.EVENT_GAIN) {
      changes.whenAdviceChanges(a.setting(), a.value(), Conditions.ENGINE_RECOMMENDATION, String.format(Locale.ROOT,
          "%s=%d%s would raise the stable rate per replica from %.3g to %.3g req/s (+%.0f%%); StableServe never changes the engine itself",
          a.setting(), a.value(), a.currentValue().isPresent() ? " (now " + a.currentValue().getAsLong() + ")" : "",
          a.currentStableRate(), a.recommendedStableRate(), 100 * a.gain()));
    }
  }

  private static double relativeError(BinnedLengths lengths) {
    return lengths.mean() > 0 ? lengths.meanStandardError() / lengths.mean() : Double.POSITIVE_INFINITY;
  }

  private Duration invalid(InferenceService service, InferenceServiceStatus previous, InferenceServiceStatus status,
      String message, Long generation, Instant now, Duration poll) {
    StatusReport.invalidSpec(status, message, generation, now);
    ChangeEvents changes = new ChangeEvents(events, service, previous);
    changes.whenConditionTurnsFalse(Conditions.READY, Conditions.INVALID_SPEC, EventRecorder.WARNING, Conditions.INVALID_SPEC, message);
    if (changes.saidAlready(Conditions.READY, Conditions.INVALID_SPEC, message, generation)) {
      LOG.debug("{}/{}: invalid spec: {}", service.getMetadata().getNamespace(), service.getMetadata().getName(), message);
    } else {
      LOG.warn("{}/{}: invalid spec: {}", service.getMetadata().getNamespace(), service.getMetadata().getName(), message);
    }
    return poll;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
