package io.stableserve.solve;

import io.stableserve.workload.TokenMoments;
import io.stableserve.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Stability under the scheduler vLLM V1 really runs: admission while blocks for the next chunk are
 * free, preemption of the newest running request when a running one cannot grow, recomputation of
 * what it had, and no admission in a step that preempted.
 *
 * <p>The stability boundary of an FCFS work-conserving server is its throughput under an infinite
 * backlog: once the queue is long the engine behaves as saturated, so the queue grows if and only
 * if arrivals outpace that throughput. Under a backlog the scheduler admits all the cache lets it,
 * so that is also where it thrashes most. This model takes that throughput from a saturated run of
 * the simulated scheduler ({@link Saturation}, {@code io.stableserve.sim.SaturatedEngine}): it is
 * <b>numerical, not a closed form</b>. By Little's law on memory the run fixes the two figures the
 * iterative model lacks, R (recomputed tokens per completed request) and the resident KV tokens
 * M_used, and the effective memory area per request E[g_eff] = E[g] + W (W the area held by attempts
 * that preemption threw away), so that the saturated rate reads
 *
 * <pre>  μ_sched = M_used / (E[g_eff]·(c₀ + c₂·M_used) + c₁·M_used·(E[s+o] + R))</pre>
 *
 * which is the iterative memory rate with M′ → M_used, E[g] → E[g_eff] and E[s+o] → E[s+o] + R
 * ({@link #thrashing}).
 *
 * <p>Where the saturated engine does not preempt (a sequence cap or token budget keeps the cache
 * from overcommitting) the result is the iterative model's, constraint for constraint. Where it
 * does, a {@link Constraint#PREEMPTION} rate, the saturated throughput, joins the iterative
 * constraints and the stable rate is the smallest of all (so the iterative δ reserve still applies).
 */
public final class SchedulerModel implements StabilityModel {

  private final BiFunction<Workload, EngineConfig, Saturation> saturation;
  private final IterativeModel iterative = new IterativeModel();

  /** @param saturation the saturated throughput of the engine's scheduler for a workload */
  public SchedulerModel(BiFunction<Workload, EngineConfig, Saturation> saturation) {
    this.saturation = saturation;
  }

  @Override
  public ModelKind kind() {
    return ModelKind.SCHEDULER;
  }

  @Override
  public Capacity solve(Workload workload, EngineConfig engine) {
    iterative.solve(workload, engine); // refuses, with its message, what no model can solve
    return solve(workload, engine, saturation.apply(workload, engine));
  }

  /** The engine's saturated run for a workload (remembered where the model remembers runs). */
  public Saturation saturation(Workload workload, EngineConfig engine) {
    return saturation.apply(workload, engine);
  }

  /** The capacity given the engine's saturated run. */
  public Capacity solve(Workload workload, EngineConfig engine, Saturation saturated) {
    Capacity it = iterative.solve(workload, engine);
    if (saturated.preemptionsPerHour() == 0) {
      return new Capacity(ModelKind.SCHEDULER, it.stableRate(), it.stabilityBound(), it.instabilityBound(), it.delta(),
          it.memoryArea(), it.stepSecondsAtCapacity(), it.constraints());
    }
    List<ConstraintRate> constraints = new ArrayList<>(it.constraints());
    constraints.add(new ConstraintRate(Constraint.PREEMPTION, saturated.completionRate()));
    double stable = Math.min(it.stableRate(), saturated.completionRate());
    double unstable = Math.min(it.instabilityBound(), saturated.completionRate());
    StepTimeModel step = engine.stepTime();
    double stepAtCapacity = (step.baseSeconds() + step.secondsPerKvToken() * saturated.meanKvTokens())
        / (1 - step.secondsPerToken() * stable * saturated.computedTokensPerRequest());
    if (!(stepAtCapacity > 0) || Double.isInfinite(stepAtCapacity)) {
      stepAtCapacity = it.stepSecondsAtCapacity();
    }
    return new Capacity(ModelKind.SCHEDULER, stable, stable, unstable, it.delta(), it.memoryArea(), stepAtCapacity,
        constraints);
  }

  /**
   * The saturated run read through Little's law on memory.
   *
   * @param recomputedTokens R, tokens computed again per completed request
   * @param residentKvTokens M_used, mean KV tokens resident under the backlog
   * @param stepSeconds b_sat = (c₀ + c₂·M_used) / (1 − c₁·μ·(E[s+o] + R)), the mean step time
   * @param effectiveArea E[g_eff] = M_used / (μ·b_sat), token-steps of memory per completed request
   * @param wastedArea W = E[g_eff] − E[g], the area held by attempts preemption threw away (negative
   *     when the cache holds less than E[g] per request, e.g. blocks left idle by admission)
   * @param overcommit max_num_seqs / N*, with N* = λ_mem·b*(λ_mem)·E[o + ⌈s/ŝ⌉ − 1] the sequences the
   *     cache holds on average at the iterative memory rate; +∞ without a cap
   */
  public record Thrashing(double saturatedRate, double recomputedTokens, double residentKvTokens, double stepSeconds,
      double effectiveArea, double wastedArea, double overcommit, double preemptionsPerHour) {}

  public static Thrashing thrashing(Workload workload, EngineConfig engine, Saturation s) {
    TokenMoments m = workload.moments();
    StepTimeModel step = engine.stepTime();
    double mu = s.completionRate();
    double b = (step.baseSeconds() + step.secondsPerKvToken() * s.meanKvTokens())
        / (1 - step.secondsPerToken() * mu * s.computedTokensPerRequest());
    double effective = s.meanKvTokens() / (mu * b);
    double area = m.meanMemoryArea(engine.chunkTokens());
    double overcommit = engine.maxNumSeqs().isPresent()
        ? engine.maxNumSeqs().getAsInt() / memoryBoundSequences(workload, engine) : Double.POSITIVE_INFINITY;
    return new Thrashing(mu, s.recomputedTokensPerRequest(), s.meanKvTokens(), b, effective, effective - area,
        overcommit, s.preemptionsPerHour());
  }

  /**
   * N* = λ_mem·b*(λ_mem)·E[o + ⌈s/ŝ⌉ − 1] (the slot-holding steps of the sequence-cap constraint): the sequences in flight, on average, when the replica runs at
   * the iterative model's memory rate (without the δ reserve). A sequence cap below it keeps the
   * cache from overcommitting.
   */
  public static double memoryBoundSequences(Workload workload, EngineConfig engine) {
    TokenMoments m = workload.moments();
    StepTimeModel step = engine.stepTime();
    double area = m.meanMemoryArea(engine.chunkTokens());
    double lambda = IterativeModel.memoryRate(engine.kvCacheTokens(), area, m.meanTotalTokens(), step);
    double k = step.secondsPerToken() * m.meanTotalTokens() + step.secondsPerKvToken() * area;
    double b = step.baseSeconds() / (1 - lambda * k);
    return lambda * b * Math.max(1, m.meanOutput() + workload.meanPrefillChunks(engine.chunkTokens()) - 1);
  }
}
