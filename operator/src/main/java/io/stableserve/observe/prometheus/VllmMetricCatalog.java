package io.stableserve.observe.prometheus;

import java.util.List;

/**
 * vLLM's Prometheus metric names, both generations. The histogram names are base names (the
 * series are {@code _bucket}, {@code _sum}, {@code _count}).
 */
public final class VllmMetricCatalog {

  public static final String RUNNING = "vllm:num_requests_running";
  public static final String WAITING = "vllm:num_requests_waiting";
  public static final String SUCCESS = "vllm:request_success_total";
  public static final String PROMPT_TOKENS = "vllm:request_prompt_tokens";
  public static final String GENERATION_TOKENS = "vllm:request_generation_tokens";
  public static final String PREEMPTIONS = "vllm:num_preemptions_total";
  public static final String ITERATION_TOKENS = "vllm:iteration_tokens_total";
  public static final String CACHE_CONFIG = "vllm:cache_config_info";
  public static final String TTFT = "vllm:time_to_first_token_seconds";
  /** Prompt tokens of the requests that got their first token (counted at prefill, not at completion). */
  public static final String PROMPT_TOKENS_TOTAL = "vllm:prompt_tokens_total";

  /** KV-cache usage fraction: V1 name first. */
  public static final String KV_USAGE_V1 = "vllm:kv_cache_usage_perc";
  public static final String KV_USAGE_V0 = "vllm:gpu_cache_usage_perc";
  public static final List<String> KV_USAGE = List.of(KV_USAGE_V1, KV_USAGE_V0);

  /** Inter-token latency histogram (decode step time): V1 name first. */
  public static final String INTER_TOKEN_V1 = "vllm:inter_token_latency_seconds";
  public static final String INTER_TOKEN_V0 = "vllm:time_per_output_token_seconds";
  public static final List<String> INTER_TOKEN = List.of(INTER_TOKEN_V1, INTER_TOKEN_V0);

  /** {@code cache_config_info} labels: newer vLLM gives the size in tokens, older only blocks and block size. */
  public static final String LABEL_KV_TOKENS = "kv_cache_size_tokens";
  public static final String LABEL_GPU_BLOCKS = "num_gpu_blocks";
  public static final String LABEL_BLOCK_SIZE = "block_size";

  private VllmMetricCatalog() {}
}
