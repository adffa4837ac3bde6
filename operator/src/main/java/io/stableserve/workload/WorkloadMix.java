package io.stableserve.workload;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A mixture of workload classes ℓ with shares q_ℓ. Moments mix linearly, which for the paper model
 * gives exactly μ_mix = (Σ q_ℓ / μ_ℓ)^−1.
 */
public record WorkloadMix(List<Share> classes) implements Workload {

  public record Share(double share, Workload workload) {
    public Share {
      if (!(share > 0) || Double.isInfinite(share)) {
        throw new IllegalArgumentException("class share must be a positive number, got " + share);
      }
    }
  }

  public WorkloadMix {
    if (classes == null || classes.isEmpty()) {
      throw new IllegalArgumentException("a workload mix needs at least one class");
    }
    double total = classes.stream().mapToDouble(Share::share).sum();
    if (Math.abs(total - 1) > 1e-6) {
      throw new IllegalArgumentException("class shares must add up to 1, they add up to " + total);
    }
    classes = List.copyOf(classes);
  }

  @Override
  public TokenMoments moments() {
    double s = 0, s2 = 0, o = 0, o2 = 0, so = 0, max = 0;
    for (Share c : classes) {
      TokenMoments m = c.workload().moments();
      s += c.share() * m.meanPrompt();
      s2 += c.share() * m.meanPromptSquare();
      o += c.share() * m.meanOutput();
      o2 += c.share() * m.meanOutputSquare();
      so += c.share() * m.meanPromptTimesOutput();
      max = Math.max(max, m.maxTotalTokens());
    }
    return new TokenMoments(s, s2, o, o2, so, max);
  }

  @Override
  public double meanPrefillChunks(int chunkTokens) {
    return classes.stream().mapToDouble(c -> c.share() * c.workload().meanPrefillChunks(chunkTokens)).sum();
  }

  @Override
  public String describe() {
    return classes.stream()
        .map(c -> String.format("%.2f × (%s)", c.share(), c.workload().describe()))
        .collect(Collectors.joining(" + "));
  }
}
