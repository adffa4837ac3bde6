package io.stableserve.cli;

import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.estimate.EngineSettings;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import picocli.CommandLine.Option;

/**
 * The engine of one replica: KV cache, chunk, caps and the step-time model. Commands that solve
 * without metrics ({@code plan}, {@code simulate}) need the KV cache, the chunk and a step time;
 * {@code observe} takes what is not given from the metrics.
 */
public final class EngineOptions {

  @Option(names = "--kv-tokens", paramLabel = "M",
      description = "KV-cache capacity in tokens (vLLM: num_gpu_blocks × block_size); observe reads it from vllm:cache_config_info when omitted.")
  Long kvTokens;

  @Option(names = "--chunk-tokens", paramLabel = "C",
      description = "Prefill chunk ŝ in tokens (vLLM does not export it; observe assumes " + EngineSettings.DEFAULT_CHUNK_TOKENS + " when omitted).")
  Integer chunkTokens;

  @Option(names = "--step-seconds", paramLabel = "B",
      description = "Constant step time b̄ in seconds (c0 = B, c1 = c2 = 0).")
  Double stepSeconds;

  @Option(names = "--step-base", paramLabel = "C0", description = "Step time base c0 in seconds.")
  Double stepBase;

  @Option(names = "--step-per-token", paramLabel = "C1", description = "Step time per computed token c1 in seconds.")
  Double stepPerToken;

  @Option(names = "--step-per-kv-token", paramLabel = "C2",
      description = "Step time per resident KV-cache token c2 in seconds.")
  Double stepPerKvToken;

  @Option(names = "--max-num-seqs", paramLabel = "K", description = "vLLM max_num_seqs (sequence cap).")
  Integer maxNumSeqs;

  @Option(names = "--max-batched-tokens", paramLabel = "B",
      description = "vLLM max_num_batched_tokens (token budget per step).")
  Integer maxBatchedTokens;

  /** Whether any engine option was given. */
  public boolean given() {
    return kvTokens != null || chunkTokens != null || stepSeconds != null || stepBase != null || stepPerToken != null
        || stepPerKvToken != null || maxNumSeqs != null || maxBatchedTokens != null;
  }

  /** What was given, each figure optional: the rest is observed. */
  public EngineSettings settings() {
    return new EngineSettings(kvTokens == null ? OptionalLong.empty() : OptionalLong.of(kvTokens),
        chunkTokens == null ? OptionalInt.empty() : OptionalInt.of(chunkTokens),
        maxNumSeqs == null ? OptionalInt.empty() : OptionalInt.of(maxNumSeqs),
        maxBatchedTokens == null ? OptionalInt.empty() : OptionalInt.of(maxBatchedTokens),
        stepSeconds == null && stepBase == null && stepPerToken == null && stepPerKvToken == null ? Optional.empty()
            : Optional.of(stepTime()));
  }

  public StepTimeModel stepTime() {
    boolean linear = stepBase != null || stepPerToken != null || stepPerKvToken != null;
    if (stepSeconds != null && linear) {
      throw new IllegalArgumentException("give either --step-seconds or --step-base/--step-per-token/--step-per-kv-token, not both");
    }
    if (stepSeconds != null) {
      return StepTimeModel.constant(stepSeconds);
    }
    if (stepBase == null && (stepPerToken != null || stepPerKvToken != null)) {
      throw new IllegalArgumentException("--step-per-token and --step-per-kv-token need --step-base C0 as well");
    }
    if (stepBase == null) {
      throw new IllegalArgumentException("a step time is needed: --step-seconds B, or --step-base C0 with optional --step-per-token C1 and --step-per-kv-token C2");
    }
    return new StepTimeModel(stepBase, stepPerToken == null ? 0 : stepPerToken, stepPerKvToken == null ? 0 : stepPerKvToken);
  }

  /**
   * The engine with every figure not given taken from {@code defaults}; an unset chunk follows a
   * given {@code --max-batched-tokens} (vLLM prefills in chunks of the token budget), and a step
   * time given in part replaces the default's whole.
   */
  public EngineConfig engineOr(EngineConfig defaults) {
    boolean step = stepSeconds != null || stepBase != null || stepPerToken != null || stepPerKvToken != null;
    return new EngineConfig(kvTokens != null ? kvTokens : defaults.kvCacheTokens(),
        chunkTokens != null ? chunkTokens : maxBatchedTokens != null ? maxBatchedTokens : defaults.chunkTokens(),
        maxNumSeqs != null ? OptionalInt.of(maxNumSeqs) : defaults.maxNumSeqs(),
        maxBatchedTokens != null ? OptionalInt.of(maxBatchedTokens) : defaults.maxBatchedTokens(),
        step ? stepTime() : defaults.stepTime());
  }

  /** The whole engine, every figure given. */
  public EngineConfig engine() {
    if (kvTokens == null || chunkTokens == null) {
      throw new IllegalArgumentException("the engine needs --kv-tokens M and --chunk-tokens C");
    }
    return new EngineConfig(kvTokens, chunkTokens,
        maxNumSeqs == null ? OptionalInt.empty() : OptionalInt.of(maxNumSeqs),
        maxBatchedTokens == null ? OptionalInt.empty() : OptionalInt.of(maxBatchedTokens),
        stepTime());
  }
}
