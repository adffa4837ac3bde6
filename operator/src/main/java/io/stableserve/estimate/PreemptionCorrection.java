package io.stableserve.estimate;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.workload.TokenMoments;
import java.util.Locale;

/**
 * Online correction of the model's capacity for preemption (vLLM's recompute on KV-cache
 * exhaustion), which the stability model does not see: a preempted request gives back its blocks
 * and later prefills again from scratch, so each preemption costs the compute and memory area of
 * the work it discards.
 *
 * <p>Two rules, the first that applies wins:
 * <ol>
 *   <li>No preemptions in the window: the model's capacity stands.</li>
 *   <li>Preemptions while the queue is there and growing: the replicas run flat out, so the
 *       completion rate per ready replica is the capacity under the scheduler vLLM really runs.
 *       It is used when it is below the model's ({@link CapacitySource#MEASURED_THROUGHPUT}).</li>
 *   <li>Preemptions without a growing queue: the model is scaled by the share of work that is not
 *       spent again, f = 1 / (1 + (p/c)·w), where p/c is preemptions per completed request and
 *       w = (E[s] + E[o]/2) / E[s + o] the work a preemption discards relative to a request's
 *       work: the whole prompt and, on average, half the output
 *       ({@link CapacitySource#PREEMPTION_CORRECTED}).</li>
 * </ol>
 * The factor is never below {@link #MIN_FACTOR}: a window with preemptions and almost no
 * completions says the cache thrashes, not that a replica serves nothing, and a zero capacity
 * would ask for unbounded replicas.
 */
public final class PreemptionCorrection {

  /** The smallest factor applied, whatever the counters say. */
  public static final double MIN_FACTOR = 0.25;

  private PreemptionCorrection() {}

  public static CorrectedCapacity apply(Capacity model, ThroughputSignals signals, TokenMoments moments) {
    if (signals.preemptionRate() == 0) {
      return new CorrectedCapacity(model, model, 1.0, CapacitySource.MODEL,
          "no preemptions in the window: the model's capacity stands");
    }
    if (signals.saturated() && signals.readyReplicas() > 0) {
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
    double factor = 1 / (1 + perCompletion * discarded);
    double applied = Math.max(MIN_FACTOR, factor);
    return new CorrectedCapacity(scale(model, applied), model, applied, CapacitySource.PREEMPTION_CORRECTED,
        String.format(Locale.ROOT,
            "%.3g preemptions/s, %.3g per completed request, each discarding %.0f%% of a request's work:"
                + " capacity × %.3f%s",
            signals.preemptionRate(), perCompletion, 100 * discarded, applied,
            applied > factor ? String.format(Locale.ROOT, " (floored at %.2f)", MIN_FACTOR) : ""));
  }

  /** The capacity with every rate multiplied by {@code factor}; δ, memory area and step time are the model's. */
  static Capacity scale(Capacity c, double factor) {
    return new Capacity(c.model(), c.stableRate() * factor, c.stabilityBound() * factor, c.instabilityBound() * factor,
        c.delta(), c.memoryArea(), c.stepSecondsAtCapacity(),
        c.constraints().stream().map(r -> new ConstraintRate(r.constraint(), r.ratePerSecond() * factor)).toList());
  }
}
