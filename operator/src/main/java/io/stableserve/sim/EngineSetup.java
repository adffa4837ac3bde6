package io.stableserve.sim;

import io.stableserve.solve.EngineConfig;

/**
 * One simulated vLLM engine: the settings the stability model reads ({@link EngineConfig}) plus
 * what only the simulator needs.
 *
 * <p>How {@link EngineConfig} maps onto vLLM's scheduler: the per-step token budget is
 * {@code max_num_batched_tokens} when given, else the chunk ŝ (the paper's reading of ŝ as vLLM's
 * {@code max_num_batched_tokens}). When both are given and ŝ is smaller, ŝ also caps the tokens one
 * request may prefill in a step (vLLM's {@code long_prefill_token_threshold}). Without
 * {@code max_num_seqs} the number of running requests is not capped.
 *
 * @param blockSize KV-cache block size in tokens (vLLM's default is 16); M is rounded down to whole
 *     blocks
 * @param stepNoise coefficient of variation of a log-normal factor (mean 1) on each step's
 *     duration; 0 for deterministic steps
 */
public record EngineSetup(EngineConfig config, int blockSize, double stepNoise) {

  public static final int DEFAULT_BLOCK_SIZE = 16;

  public EngineSetup {
    if (config == null) {
      throw new IllegalArgumentException("an engine configuration is needed");
    }
    if (blockSize <= 0) {
      throw new IllegalArgumentException("block size must be a positive number of tokens, got " + blockSize);
    }
    if (config.kvCacheTokens() / blockSize < 1) {
      throw new IllegalArgumentException("KV cache of " + config.kvCacheTokens() + " tokens holds no block of "
          + blockSize + " tokens");
    }
    if (config.kvCacheTokens() / blockSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("KV cache of " + config.kvCacheTokens() + " tokens has too many blocks");
    }
    if (!(stepNoise >= 0) || Double.isInfinite(stepNoise)) {
      throw new IllegalArgumentException("step-time noise must be a finite coefficient of variation >= 0, got "
          + stepNoise);
    }
  }

  public static EngineSetup of(EngineConfig config) {
    return new EngineSetup(config, DEFAULT_BLOCK_SIZE, 0);
  }

  public EngineSetup withStepNoise(double cv) {
    return new EngineSetup(config, blockSize, cv);
  }

  public EngineSetup withConfig(EngineConfig other) {
    return new EngineSetup(other, blockSize, stepNoise);
  }

  public int totalBlocks() {
    return (int) (config.kvCacheTokens() / blockSize);
  }

  /** Tokens computed per step at most (vLLM's max_num_batched_tokens). */
  public int tokenBudget() {
    return config.maxBatchedTokens().orElse(config.chunkTokens());
  }

  /** Tokens one request may prefill in one step at most. */
  public int prefillChunkCap() {
    return Math.min(config.chunkTokens(), tokenBudget());
  }

  public int maxNumSeqs() {
    return config.maxNumSeqs().orElse(Integer.MAX_VALUE);
  }
}
