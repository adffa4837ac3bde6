package io.stableserve.observe;

import java.util.Locale;

/**
 * The quantities the observe stage reads from the metrics source. Each can be replaced by a user PromQL
 * (the source's overrides); an override must return one sample (a scalar or a
 * one-element vector, e.g. wrapped in {@code sum(...)}) in the unit given here. In an override,
 * {@code $selector} is replaced by the configured series selector (without braces) and
 * {@code $window} by the window in Prometheus duration syntax, e.g. {@code 300s}.
 */
public enum Signal {
  /** Arrivals, req/s. Default: completions + d/dt(running + waiting); a gateway counter is a typical override. */
  ARRIVALS("arrival rate (req/s)"),
  /** Completions, req/s: {@code rate(vllm:request_success_total)} summed over every finish reason. */
  COMPLETIONS("completion rate (req/s)"),
  /** Requests running plus waiting, summed over replicas; its change over the window is the backlog's growth. */
  IN_SYSTEM("requests running + waiting"),
  /** Requests running (in the batch), summed over replicas. */
  RUNNING("requests running"),
  /** Requests waiting (queued), summed over replicas. */
  WAITING("requests waiting"),
  /** Prompt length histogram {@code vllm:request_prompt_tokens}; an override replaces the mean E[s] (tokens). */
  PROMPT_TOKENS("prompt tokens per request"),
  /** Output length histogram {@code vllm:request_generation_tokens}; an override replaces the mean E[o] (tokens). */
  OUTPUT_TOKENS("output tokens per request"),
  /** KV-cache usage, a fraction in [0, 1], averaged over replicas (V1 {@code kv_cache_usage_perc}, V0 {@code gpu_cache_usage_perc}). */
  KV_CACHE_USAGE("KV-cache usage (fraction)"),
  /** KV-cache capacity M in tokens per replica, from {@code vllm:cache_config_info}. */
  KV_CACHE_TOKENS("KV-cache capacity (tokens per replica)"),
  /** Preemptions, per second, summed over replicas: {@code rate(vllm:num_preemptions_total)}. */
  PREEMPTIONS("preemption rate (1/s)"),
  /** Engine steps per second, summed over replicas: {@code rate(vllm:iteration_tokens_total_count)}. */
  STEPS("engine steps per second"),
  /** Tokens computed per engine step: {@code rate(vllm:iteration_tokens_total_sum) / rate(..._count)}. */
  TOKENS_PER_STEP("tokens computed per engine step"),
  /** Mean decode step time, seconds: inter-token latency (V1 {@code inter_token_latency_seconds}, V0 {@code time_per_output_token_seconds}). */
  STEP_SECONDS("decode step time (s)"),
  /** Serving replicas (engines) seen: the number of {@code vllm:num_requests_running} series. */
  REPLICAS("replicas seen in metrics"),
  /**
   * Time to first token, the histogram {@code vllm:time_to_first_token_seconds}: what users get, for
   * the SLO's calibration. An override gives the percentile itself, in seconds (e.g. a gateway's).
   */
  TTFT("time to first token (s)"),
  /**
   * Mean prompt length of the requests that started recently (the window's last two sub-intervals):
   * {@code increase(vllm:prompt_tokens_total)} over the TTFT histogram's count.
   */
  RECENT_PROMPT_TOKENS("prompt tokens per request started recently"),
  /**
   * Requests held in front of the replicas by a gateway's flow control. No default: give the gateway's
   * queue gauge (e.g. llm-d's inference gateway flow-control queue size); to count them as arrivals
   * too, add the same gauge to the in-system query.
   */
  GATEWAY_QUEUE("requests held at the gateway");

  private final String description;

  Signal(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** Parses {@code arrivals}, {@code kv-cache-usage}, {@code KV_CACHE_USAGE} and the like. */
  public static Signal parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("signal name is empty; expected one of " + names());
    }
    try {
      return valueOf(text.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown signal '" + text + "'; expected one of " + names(), e);
    }
  }

  private static String names() {
    StringBuilder b = new StringBuilder();
    for (Signal s : values()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(s.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return b.toString();
  }
}
