package io.stableserve.correct;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.workload.TokenMoments;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Online correction of the model's capacity for preemption (vLLM's recompute on KV-cache
 * exhaustion), which the stability model does not see: a preempted request gives back its blocks
 * and later prefills again from scratch, so each preemption costs the compute and memory area of
 * the work it discards.
 *
 * <p>The first rule that applies wins:
 * <ol>
 *   <li>No preemptions in the window: the model's capacity stands.</li>
 *   <li>Preemptions while the queue is there and growing, on every replica (each has its own
 *       queue), the replica count did not change in the window, and the window is at least twice
 *       a request's time running ({@link ThroughputSignals#windowTurnsOver}): the replicas run flat out, so the completion rate per ready replica is the
 *       capacity under the scheduler vLLM really runs.
 *       It is used when it is below the model's ({@link CapacitySource#MEASURED_THROUGHPUT}).</li>
 *   <li>Otherwise (preemptions without a growing queue, or a window that saw scaling): the model is scaled by the share of work that is not
 *       spent again, f = 1 / (1 + (p/c)·w), where p/c is preemptions per completed request and
 *       w = (E[s] + E[o]/2) / E[s + o] the work a preemption discards relative to a request's
 *       work: the whole prompt and, on average, half the output
 *       ({@link CapacitySource#PREEMPTION_CORRECTED}). Under the scheduler model p/c counts only the
 *       preemptions beyond those its saturated run has, which it already prices; none beyond, and
 *       its capacity stands. Preemptions beyond them say the window's workload is heavier than the
 *       model was solved for (a shift to longer requests shows in preemptions before it fills the
 *       window).</li>
 * </ol>
 * A correction is remembered ({@link #withMemory}): for a hold time after it was measured (the
 * operator uses the scale-down stabilisation window), and while the workload stays the one it was
 * measured on, the smaller of the remembered and the present factor applies. Without that, the scale-up that ends the thrashing would also end the evidence
 * for it, the model's higher capacity would come back, and the count would fall back into thrashing.
 *
 * <p>The factor is never below {@link #MIN_FACTOR}: a window with preemptions and almost no
 * completions says the cache thrashes, not that a replica serves nothing, and a zero capacity
 * would ask for unbounded replicas.
 */
public final class CapacityCorrection {

  /** The smallest factor applied, whatever the counters say. */
  public static final double MIN_FACTOR = 0.25;

  private CapacityCorrection() {}

  public static CorrectedCapacity apply(Capacity model, ThroughputSignals signals, TokenMoments moments) {
    return apply(model, signals, moments, 0);
  }

  /**
   * @param pricedPerCompletion preemptions per completed request the model already prices: the
   *     scheduler model's saturated run has them (its worst case); 0 for the models that see none
   */
  public static CorrectedCapacity apply(Capacity model, ThroughputSignals signals, TokenMoments moments,
      double pricedPerCompletion) {
    if (signals.preemptionRate() == 0) {
      return new CorrectedCapacity(model, model, 1.0, CapacitySource.MODEL,
          "no preemptions in the window: the model's capacity stands");
    }
    if (signals.everyReplicaSaturated() && signals.readyReplicas() > 0 && signals.replicasSteady()
        && signals.windowTurnsOver()) {
      double measured = signals.completionRate() / signals.readyReplicas();
      double factor = measured / model.stableRate();
      if (factor < 1) {
        double applied = Math.max(MIN_FACTOR, factor);
        return new CorrectedCapacity(scale(model, applied), model, applied, CapacitySource.MEASURED_THROUGHPUT,
            String.format(Locale.ROOT,
                "%.3g preemptions/s while the queue grows (%.0f waiting, +%.3g/s): measured %.3g completions/s per ready replica"
                    + " against the model's %.3g%s",
                signals.preemptionRate(), signals.waitingRequests(), signals.waitingGrowthRate(), measured, model.stableRate(),
                applied > factor ? String.format(Locale.ROOT, " (factor floored at %.2f)", MIN_FACTOR) : ""));
      }
    }
    double discarded = (moments.meanPrompt() + moments.meanOutput() / 2) / moments.meanTotalTokens();
    if (signals.completionRate() == 0) {
      return new CorrectedCapacity(scale(model, MIN_FACTOR), model, MIN_FACTOR, CapacitySource.PREEMPTION_CORRECTED,
          String.format(Locale.ROOT, "%.3g preemptions/s and no completed request in the window: capacity × %.2f (the floor)",
              signals.preemptionRate(), MIN_FACTOR));
    }
    double perCompletion = signals.preemptionRate() / signals.completionRate();
    double excess = perCompletion - pricedPerCompletion;
    String priced = pricedPerCompletion > 0
        ? String.format(Locale.ROOT, " (%.3g beyond the %.3g the model's saturated run has)", excess, pricedPerCompletion) : "";
    if (excess <= 0) {
      return new CorrectedCapacity(model, model, 1.0, CapacitySource.MODEL, String.format(Locale.ROOT,
          "%.3g preemptions/s, %.3g per completed request, no more than the %.3g the scheduler model's saturated run has:"
              + " its capacity stands", signals.preemptionRate(), perCompletion, pricedPerCompletion));
    }
    double factor = 1 / (1 + excess * discarded);
    double applied = Math.max(MIN_FACTOR, factor);
    return new CorrectedCapacity(scale(model, applied), model, applied, CapacitySource.PREEMPTION_CORRECTED,
        String.format(Locale.ROOT,
            "%.3g preemptions/s, %.3g per completed request%s, each discarding %.0f%% of a request's work:"
                + " capacity × %.3f%s",
            signals.preemptionRate(), perCompletion, priced, 100 * discarded, applied,
            applied > factor ? String.format(Locale.ROOT, " (floored at %.2f)", MIN_FACTOR) : ""));
  }

  /**
   * How far the model's stable rate may move from the one a correction was measured against for
   * the correction still to apply: the same workload within the estimates' noise.
   */
  public static final double SAME_WORKLOAD = 0.15;

  /**
   * A correction measured at some time: the factor applied then, and the model's stable rate it
   * was measured against (which stands for the workload of that window).
   *
   * @param factor corrected μ̂ / model μ, in [{@link #MIN_FACTOR}, 1)
   * @param measuredAt when it was measured
   * @param modelStableRate the model's μ for the window it was measured in, req/s, > 0
   */
  public record Measured(double factor, Instant measuredAt, double modelStableRate) {
    public Measured {
      if (!(factor >= MIN_FACTOR && factor < 1)) {
        throw new IllegalArgumentException("a remembered correction factor must be in [" + MIN_FACTOR + ", 1), got " + factor);
      }
      java.util.Objects.requireNonNull(measuredAt, "measuredAt");
      if (!(modelStableRate > 0) || Double.isInfinite(modelStableRate)) {
        throw new IllegalArgumentException("the model's stable rate of a remembered correction must be > 0, got "
            + modelStableRate);
      }
    }

    /** Whether a model rate is within {@link #SAME_WORKLOAD} of the one this was measured against. */
    public boolean sameWorkload(double presentModelStableRate) {
      return Math.abs(presentModelStableRate / modelStableRate - 1) <= SAME_WORKLOAD;
    }
  }

  /**
   * The present correction, or a remembered one within {@code hold} when it is smaller and was
   * measured on the same workload ({@link Measured#sameWorkload}): after a shift of the workload
   * the window's model and its own measurement decide, so a correction measured on short prompts
   * does not shrink the capacity of long ones.
   *
   * @param present what {@link #apply} gave for this window
   * @param remembered the correction applied before, with when it was measured
   * @return the correction to apply and when it was measured (now for a present one)
   */
  public static Remembered withMemory(CorrectedCapacity present, Optional<Measured> remembered, Instant now, Duration hold) {
    Optional<Measured> live = remembered.filter(m -> !now.isAfter(m.measuredAt().plus(hold)))
        .filter(m -> m.sameWorkload(present.model().stableRate()));
    if (live.isEmpty() || live.get().factor() >= present.factor()) {
      return new Remembered(present, present.corrected()
          ? Optional.of(new Measured(present.factor(), now, present.model().stableRate())) : Optional.empty());
    }
    Measured m = live.get();
    Capacity model = present.model();
    CorrectedCapacity kept = new CorrectedCapacity(scale(model, m.factor()), model, m.factor(), CapacitySource.REMEMBERED,
        String.format(Locale.ROOT, "%s; the correction × %.3f measured at %s is kept until %s (it is smaller)",
            present.explanation(), m.factor(), m.measuredAt(), m.measuredAt().plus(hold)));
    return new Remembered(kept, Optional.of(m));
  }

  /** The correction to apply and the measurement it rests on (empty when the model stands). */
  public record Remembered(CorrectedCapacity capacity, Optional<Measured> measurement) {}

  /** The capacity with every rate multiplied by {@code factor}; δ, memory area and step time are the model's. */
  static Capacity scale(Capacity c, double factor) {
    return new Capacity(c.model(), c.stableRate() * factor, c.stabilityBound() * factor, c.instabilityBound() * factor,
        c.delta(), c.memoryArea(), c.stepSecondsAtCapacity(),
        c.constraints().stream().map(r -> new ConstraintRate(r.constraint(), r.ratePerSecond() * factor)).toList());
  }
}
