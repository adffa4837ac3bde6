package io.stableserve.solve;

import io.stableserve.workload.TokenMoments;
import io.stableserve.workload.Workload;
import java.util.List;

/**
 * The paper's model (Nie, Si, Zhou, ICML 2026): a replica clears at most M / b̄ token-steps of
 * memory area per second, so μ = M / (b̄·E[g]); λ > μ is unstable under any policy and
 * λ < μ·(1 − δ) is stable under a work-conserving one.
 *
 * <p>The paper measures b̄ at saturation. Given a linear step-time model instead of a constant, b̄
 * is taken as the step time when the cache is full at rate μ (m = M, n = μ·b̄·E[s+o]), which
 * solves to μ = M / (c₀·E[g] + c₁·M·E[s+o] + c₂·M·E[g]).
 */
public final class PaperModel implements StabilityModel {

  @Override
  public ModelKind kind() {
    return ModelKind.PAPER;
  }

  @Override
  public Capacity solve(Workload workload, EngineConfig engine) {
    TokenMoments moments = workload.moments();
    double area = moments.meanMemoryArea(engine.chunkTokens());
    double delta = IterativeModel.largestRequestShare(moments, engine);
    StepTimeModel step = engine.stepTime();
    double m = engine.kvCacheTokens();
    double mu = m / (step.baseSeconds() * area + step.secondsPerToken() * m * moments.meanTotalTokens()
        + step.secondsPerKvToken() * m * area);
    double stepAtSaturation = m / (mu * area);
    return new Capacity(ModelKind.PAPER, mu, mu * (1 - delta), mu, delta, area, stepAtSaturation,
        List.of(new ConstraintRate(Constraint.MEMORY, mu)));
  }
}
