package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Engine settings of one replica. Every field is optional: what is omitted is discovered from the
 * metrics ({@code vllm:cache_config_info}, fitted step time).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.chunkTokens) || !has(self.maxBatchedTokens) || self.chunkTokens <= self.maxBatchedTokens",
    message = "engine.chunkTokens must not exceed engine.maxBatchedTokens: a prefill chunk is computed within one step's token budget")
public class EngineSpec {

  @Min(1)
  @JsonPropertyDescription("KV-cache capacity M of one replica in tokens (vLLM: num_gpu_blocks x block_size, or the "
      + "kv_cache_size_tokens label of vllm:cache_config_info). Observed when omitted.")
  private Long kvCacheTokens;

  @Min(1)
  @JsonPropertyDescription("Prefill chunk size in tokens (chunked prefill). Observed when omitted, else the token budget per step.")
  private Integer chunkTokens;

  @Min(1)
  @JsonPropertyDescription("vLLM's max_num_seqs: most sequences in one batch. Omit to leave the sequence cap out "
      + "unless the metrics report it.")
  private Integer maxNumSeqs;

  @Min(1)
  @JsonPropertyDescription("vLLM's max_num_batched_tokens: token budget of one step. Omit to leave the token budget "
      + "out unless the metrics report it.")
  private Integer maxBatchedTokens;

  @JsonPropertyDescription("Step-time coefficients b = baseSeconds + secondsPerToken * n + secondsPerKvToken * m, "
      + "with n the tokens computed in a step and m the KV tokens resident. Fitted from the metrics when omitted.")
  private StepTimeSpec stepTime;

  /** Whether every value the solver needs is given, so nothing has to be discovered. */
  @JsonIgnore
  public boolean isComplete() {
    return kvCacheTokens != null && chunkTokens != null && stepTime != null && stepTime.isComplete();
  }

  public Long getKvCacheTokens() {
    return kvCacheTokens;
  }

  public void setKvCacheTokens(Long kvCacheTokens) {
    this.kvCacheTokens = kvCacheTokens;
  }

  public Integer getChunkTokens() {
    return chunkTokens;
  }

  public void setChunkTokens(Integer chunkTokens) {
    this.chunkTokens = chunkTokens;
  }

  public Integer getMaxNumSeqs() {
    return maxNumSeqs;
  }

  public void setMaxNumSeqs(Integer maxNumSeqs) {
    this.maxNumSeqs = maxNumSeqs;
  }

  public Integer getMaxBatchedTokens() {
    return maxBatchedTokens;
  }

  public void setMaxBatchedTokens(Integer maxBatchedTokens) {
    this.maxBatchedTokens = maxBatchedTokens;
  }

  public StepTimeSpec getStepTime() {
    return stepTime;
  }

  public void setStepTime(StepTimeSpec stepTime) {
    this.stepTime = stepTime;
  }
}
