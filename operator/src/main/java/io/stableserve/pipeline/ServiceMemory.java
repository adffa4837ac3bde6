package io.stableserve.pipeline;

import io.stableserve.correct.CapacityCorrection;
import io.stableserve.correct.TtftCalibration;
import io.stableserve.decide.Decision;
import io.stableserve.decide.RecommendedCount;
import io.stableserve.decide.StartupTime;
import io.stableserve.decide.StabilizationState;
import io.stableserve.decide.VariantStall;
import io.stableserve.decide.ZeroState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the pipeline remembers of one service from one pass to the next. A {@link StateStore} keeps
 * it: the operator in the InferenceService's status (so a restart forgets nothing), the command
 * line and the benchmark in memory.
 *
 * @param stabilization the recent recommended counts, the last scale-up and a scale-up's settle wait
 * @param correction the preemption correction applied and when it was measured
 * @param lastScale when the replica count was last changed, up or down: completions per replica are
 *     measured only over windows without a change
 * @param ttftFactor the TTFT approximation's calibration factor k (1 until vLLM's TTFT has been measured)
 * @param startup the replicas' start-up time measured from the target, and the scale-up being timed
 * @param variantStalls of a service of several variants, each variant's stall by name (a variant
 *     missing has none)
 */
public record ServiceMemory(StabilizationState stabilization, Optional<CapacityCorrection.Measured> correction,
    Optional<Instant> lastScale, double ttftFactor, StartupTime startup, Map<String, VariantStall> variantStalls) {

  private static final ServiceMemory EMPTY = new ServiceMemory(StabilizationState.empty(), Optional.empty(), Optional.empty(), 1,
      StartupTime.none());

  public ServiceMemory {
    Objects.requireNonNull(stabilization, "stabilisation state");
    correction = Objects.requireNonNullElse(correction, Optional.empty());
    lastScale = Objects.requireNonNullElse(lastScale, Optional.empty());
    if (!(ttftFactor >= TtftCalibration.MIN_FACTOR && ttftFactor <= TtftCalibration.MAX_FACTOR)) {
      ttftFactor = 1;
    }
    startup = Objects.requireNonNullElse(startup, StartupTime.none());
    variantStalls = variantStalls == null ? Map.of() : Map.copyOf(variantStalls);
  }

  public ServiceMemory(StabilizationState stabilization, Optional<CapacityCorrection.Measured> correction,
      Optional<Instant> lastScale, double ttftFactor, StartupTime startup) {
    this(stabilization, correction, lastScale, ttftFactor, startup, Map.of());
  }

  public ServiceMemory(StabilizationState stabilization, Optional<CapacityCorrection.Measured> correction,
      Optional<Instant> lastScale, double ttftFactor) {
    this(stabilization, correction, lastScale, ttftFactor, StartupTime.none());
  }

  public ServiceMemory(StabilizationState stabilization, Optional<CapacityCorrection.Measured> correction,
      Optional<Instant> lastScale) {
    this(stabilization, correction, lastScale, 1, StartupTime.none());
  }

  /** A service seen for the first time. */
  public static ServiceMemory empty() {
    return EMPTY;
  }

  /**
   * A running service taken over: its scale-down window starts from the count it has, as a newly
   * created HPA's does, so that the first decision does not scale it down at once.
   */
  public static ServiceMemory takingOver(int replicas, Instant now) {
    return new ServiceMemory(new StabilizationState(List.of(new RecommendedCount(now, replicas)), Optional.empty()),
        Optional.empty(), Optional.empty(), 1, StartupTime.none());
  }

  /**
   * The memory after a pass: the decision's stabilisation state, the correction when a capacity
   * was solved (else the one remembered), and the scale times only when the count was written.
   *
   * @param applied whether the decision's count was written to the target
   */
  public ServiceMemory after(Evaluation evaluation, boolean applied, Instant now) {
    StabilizationState next = evaluation.decision().state();
    Optional<Instant> lastScaleUp = applied && evaluation.decision().scalesUp() ? Optional.of(now) : stabilization.lastScaleUp();
    // A wake that was not written (Recommend mode, a failed /scale) is no wake to time a cold start from.
    Decision d = evaluation.decision();
    boolean unwrittenWake = !applied && d.currentReplicas() == 0 && d.desiredReplicas() > 0;
    ZeroState zero = unwrittenWake ? next.zero().withWokeAt(stabilization.zero().wokeAt()) : next.zero();
    next = new StabilizationState(next.recommendations(), lastScaleUp, next.scaleUpPendingSince(), zero);
    return new ServiceMemory(next,
        evaluation.capacity().isPresent() ? evaluation.correctionMeasured() : correction,
        applied ? Optional.of(now) : lastScale,
        evaluation.ttft().map(TtftCalibration::factor).orElse(ttftFactor),
        applied && evaluation.decision().scalesUp()
            ? evaluation.startup().scaledUp(now, evaluation.decision().desiredReplicas()) : evaluation.startup(),
        variantStalls);
  }

  /** The same memory with each variant's stall as a pass of the mix left it. */
  public ServiceMemory withVariantStalls(Map<String, VariantStall> stalls) {
    return new ServiceMemory(stabilization, correction, lastScale, ttftFactor, startup, stalls);
  }
}
