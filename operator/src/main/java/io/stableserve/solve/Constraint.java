package io.stableserve.solve;

/** The limits on a replica's stable arrival rate; the smallest one binds. */
public enum Constraint {
  /** KV-cache memory area: λ·b·E[g] ≤ M·(1 − δ). */
  MEMORY("KV-cache memory"),
  /** Step time grows with load until it diverges: λ·(c₁·E[s+o] + c₂·E[g]) < 1. */
  COMPUTE("compute (step time)"),
  /** Tokens per step: λ·b·E[s+o] ≤ max_num_batched_tokens. */
  TOKEN_BUDGET("token budget per step (max_num_batched_tokens)"),
  /** Sequences in flight: λ·b·E[o + ⌈s/ŝ⌉ − 1] ≤ max_num_seqs. */
  SEQUENCE_CAP("sequence cap (max_num_seqs)"),
  /** Throughput of vLLM's scheduler under a backlog, preemption and recomputation included (scheduler model). */
  PREEMPTION("KV-cache thrashing (preemption, recomputation)");

  private final String description;

  Constraint(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
