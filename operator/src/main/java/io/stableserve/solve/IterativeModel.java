package io.stableserve.solve;

import io.stableserve.workload.TokenMoments;
import io.stableserve.workload.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * Self-consistent step time. At arrival rate λ a replica computes n = λ·b·E[s+o] tokens per step
 * and holds m = λ·b·E[g] KV tokens, so b = c₀ + c₁·n + c₂·m gives b*(λ) = c₀ / (1 − λ·K) with
 * K = c₁·E[s+o] + c₂·E[g]. Each constraint then bounds λ in closed form:
 *
 * <ul>
 *   <li>memory: λ·b*·E[g] ≤ M′, M′ = M·(1 − δ): λ ≤ M′ / (E[g]·(c₀ + c₂·M′) + c₁·M′·E[s+o])
 *   <li>compute: λ·K < 1
 *   <li>token budget: λ·b*·E[s+o] ≤ B: λ ≤ B / (c₀·E[s+o] + B·K); B is ŝ when not given
 *   <li>sequence cap: λ·b*·E[o + ⌈s/ŝ⌉ − 1] ≤ N: λ ≤ N / (c₀·E[o + ⌈s/ŝ⌉ − 1] + N·K)
 * </ul>
 *
 * With c₁ = c₂ = 0 and δ = 0 the memory rate is the paper's μ with b̄ = c₀.
 */
public final class IterativeModel implements StabilityModel {

  @Override
  public ModelKind kind() {
    return ModelKind.ITERATIVE;
  }

  @Override
  public Capacity solve(Workload workload, EngineConfig engine) {
    TokenMoments moments = workload.moments();
    int chunk = engine.chunkTokens();
    double area = moments.meanMemoryArea(chunk);
    double tokens = moments.meanTotalTokens();
    double delta = largestRequestShare(moments, engine);
    StepTimeModel step = engine.stepTime();
    double c0 = step.baseSeconds();
    double k = step.secondsPerToken() * tokens + step.secondsPerKvToken() * area;

    List<ConstraintRate> withReserve = new ArrayList<>();
    withReserve.add(new ConstraintRate(Constraint.MEMORY, memoryRate(engine.kvCacheTokens() * (1 - delta), area, tokens, step)));
    List<ConstraintRate> others = new ArrayList<>();
    if (k > 0) {
      others.add(new ConstraintRate(Constraint.COMPUTE, 1 / k));
    }
    // vLLM always has a token budget; without one given, the prefill chunk is the budget.
    int budget = engine.maxBatchedTokens().orElse(chunk);
    others.add(new ConstraintRate(Constraint.TOKEN_BUDGET, budget / (c0 * tokens + budget * k)));
    engine.maxNumSeqs().ifPresent(n -> {
      // A sequence holds its slot for ⌈s/ŝ⌉ prefill steps and o − 1 decode steps: the last
      // prefill step already samples the first output token.
      double seqSteps = Math.max(1, moments.meanOutput() + workload.meanPrefillChunks(chunk) - 1);
      others.add(new ConstraintRate(Constraint.SEQUENCE_CAP, n / (c0 * seqSteps + n * k)));
    });
    withReserve.addAll(others);

    double stable = withReserve.stream().mapToDouble(ConstraintRate::ratePerSecond).min().orElseThrow();
    double unstable = Math.min(memoryRate(engine.kvCacheTokens(), area, tokens, step),
        others.stream().mapToDouble(ConstraintRate::ratePerSecond).min().orElse(Double.MAX_VALUE));
    double stepAtCapacity = c0 / (1 - stable * k);
    return new Capacity(ModelKind.ITERATIVE, stable, stable, unstable, delta, area, stepAtCapacity, withReserve);
  }

  static double memoryRate(double cacheTokens, double area, double tokens, StepTimeModel step) {
    return cacheTokens / (area * (step.baseSeconds() + step.secondsPerKvToken() * cacheTokens)
        + step.secondsPerToken() * cacheTokens * tokens);
  }

  static double largestRequestShare(TokenMoments moments, EngineConfig engine) {
    double delta = moments.maxTotalTokens() / engine.kvCacheTokens();
    if (delta >= 1) {
      throw new IllegalArgumentException(String.format(
          "the largest request (s + o = %.0f tokens) does not fit in the KV cache of %d tokens; "
              + "raise the KV-cache capacity or cap request lengths", moments.maxTotalTokens(), engine.kvCacheTokens()));
    }
    return delta;
  }
}
