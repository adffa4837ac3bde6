package io.stableserve.solve;

import java.util.Locale;

/** Which stability model solves for capacity. */
public enum ModelKind {
  /** The paper's model: μ = M / (b̄·E[g]), memory only. */
  PAPER,
  /** Self-consistent step time with the memory, compute, token-budget and sequence-cap constraints. */
  ITERATIVE;

  public static ModelKind parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown model '" + text + "'; expected paper or iterative", e);
    }
  }

  public StabilityModel model() {
    return switch (this) {
      case PAPER -> new PaperModel();
      case ITERATIVE -> new IterativeModel();
    };
  }
}
