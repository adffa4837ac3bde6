package io.stableserve.solve;

import java.util.OptionalInt;

/**
 * The settings of one serving replica that bound its stable rate.
 *
 * @param kvCacheTokens M, KV-cache capacity in tokens (vLLM: num_gpu_blocks × block_size)
 * @param chunkTokens ŝ, the prefill chunk in tokens
 * @param maxNumSeqs vLLM's max_num_seqs, if it is to be taken into account
 * @param maxBatchedTokens vLLM's max_num_batched_tokens (token budget per step), if it is to be taken into account
 */
public record EngineConfig(
    long kvCacheTokens,
    int chunkTokens,
    OptionalInt maxNumSeqs,
    OptionalInt maxBatchedTokens,
    StepTimeModel stepTime) {

  public EngineConfig {
    if (kvCacheTokens <= 0) {
      throw new IllegalArgumentException("KV-cache capacity M must be a positive number of tokens, got " + kvCacheTokens);
    }
    if (chunkTokens <= 0) {
      throw new IllegalArgumentException("prefill chunk ŝ must be a positive number of tokens, got " + chunkTokens);
    }
    if (maxNumSeqs == null) {
      maxNumSeqs = OptionalInt.empty();
    }
    if (maxBatchedTokens == null) {
      maxBatchedTokens = OptionalInt.empty();
    }
    if (maxNumSeqs.isPresent() && maxNumSeqs.getAsInt() <= 0) {
      throw new IllegalArgumentException("max_num_seqs must be positive, got " + maxNumSeqs.getAsInt());
    }
    if (maxBatchedTokens.isPresent() && maxBatchedTokens.getAsInt() <= 0) {
      throw new IllegalArgumentException("max_num_batched_tokens must be positive, got " + maxBatchedTokens.getAsInt());
    }
    if (stepTime == null) {
      throw new IllegalArgumentException("a step-time model is needed (constant step seconds or c0, c1, c2)");
    }
  }

  public static EngineConfig of(long kvCacheTokens, int chunkTokens, StepTimeModel stepTime) {
    return new EngineConfig(kvCacheTokens, chunkTokens, OptionalInt.empty(), OptionalInt.empty(), stepTime);
  }

  public EngineConfig withMaxNumSeqs(int seqs) {
    return new EngineConfig(kvCacheTokens, chunkTokens, OptionalInt.of(seqs), maxBatchedTokens, stepTime);
  }

  public EngineConfig withMaxBatchedTokens(int tokens) {
    return new EngineConfig(kvCacheTokens, chunkTokens, maxNumSeqs, OptionalInt.of(tokens), stepTime);
  }

  public EngineConfig withKvCacheTokens(long tokens) {
    return new EngineConfig(tokens, chunkTokens, maxNumSeqs, maxBatchedTokens, stepTime);
  }
}
