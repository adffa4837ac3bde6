package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PromQL overrides, one per signal of the observe stage (a test keeps the two in step). Each must
 * return one sample (a scalar or a one-element vector, e.g. wrapped in {@code sum(...)}) for the
 * whole service; {@code $window} is replaced by {@code metrics.window} and {@code $selector} by
 * {@code metrics.selector}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricQueries {

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Arrival rate of the whole service in requests per second, e.g. sum(rate(gateway_requests_total{route=\"llm\"}[$window])). Must count arrivals, not completions: completions cap at capacity and hide an overload.")
  private String arrivals;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Completion rate in requests per second (default: rate of vllm:request_success_total).")
  private String completions;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Requests running plus waiting, summed over replicas; its change over the window is the backlog's growth.")
  private String inSystem;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Requests running (in the batch), summed over replicas.")
  private String running;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Requests waiting (queued), summed over replicas.")
  private String waiting;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Mean prompt tokens per request, E[s] (default: from the vllm:request_prompt_tokens histogram).")
  private String promptTokens;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Mean output tokens per request, E[o] (default: from the vllm:request_generation_tokens histogram).")
  private String outputTokens;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("KV-cache usage as a fraction 0..1, averaged over replicas (vLLM: vllm:kv_cache_usage_perc, older vllm:gpu_cache_usage_perc).")
  private String kvCacheUsage;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("KV-cache capacity in tokens per replica (default: from vllm:cache_config_info).")
  private String kvCacheTokens;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Preemptions per second, summed over replicas (vLLM: rate(vllm:num_preemptions_total[$window])).")
  private String preemptions;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Engine steps per second, summed over replicas (vLLM: rate(vllm:iteration_tokens_total_count[$window])).")
  private String steps;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Tokens computed per engine step.")
  private String tokensPerStep;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Mean decode step time in seconds (vLLM: inter-token latency).")
  private String stepSeconds;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Serving replicas seen in the metrics.")
  private String replicas;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Requests a gateway holds in front of the replicas (e.g. llm-d's inference gateway flow-control "
      + "queue, Envoy's pending requests). No default. They count as queued for the SLO loop's drain term; to count them as "
      + "arrivals too, add the same gauge to inSystem.")
  private String gatewayQueue;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("The TTFT percentile users get, in seconds, for the SLO's calibration, e.g. a gateway's "
      + "histogram_quantile(0.99, sum by (le) (rate(gateway_ttft_seconds_bucket{$selector}[$window]))), which counts the "
      + "time requests wait at the gateway too. Default: vLLM's vllm:time_to_first_token_seconds histogram.")
  private String ttft;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Mean prompt length of the requests starting now, in tokens. Default: "
      + "increase(vllm:prompt_tokens_total) over the TTFT histogram's count in the window's last two sub-intervals. "
      + "With an override, the sub-intervals' prompt means are not read, and only the recent mean's own noise holds back a change.")
  private String recentPromptTokens;

  public String getTtft() {
    return ttft;
  }

  public void setTtft(String ttft) {
    this.ttft = ttft;
  }

  public String getRecentPromptTokens() {
    return recentPromptTokens;
  }

  public void setRecentPromptTokens(String recentPromptTokens) {
    this.recentPromptTokens = recentPromptTokens;
  }

  public String getGatewayQueue() {
    return gatewayQueue;
  }

  public void setGatewayQueue(String gatewayQueue) {
    this.gatewayQueue = gatewayQueue;
  }

  public String getArrivals() {
    return arrivals;
  }

  public void setArrivals(String arrivals) {
    this.arrivals = arrivals;
  }

  public String getCompletions() {
    return completions;
  }

  public void setCompletions(String completions) {
    this.completions = completions;
  }

  public String getInSystem() {
    return inSystem;
  }

  public void setInSystem(String inSystem) {
    this.inSystem = inSystem;
  }

  public String getRunning() {
    return running;
  }

  public void setRunning(String running) {
    this.running = running;
  }

  public String getWaiting() {
    return waiting;
  }

  public void setWaiting(String waiting) {
    this.waiting = waiting;
  }

  public String getPromptTokens() {
    return promptTokens;
  }

  public void setPromptTokens(String promptTokens) {
    this.promptTokens = promptTokens;
  }

  public String getOutputTokens() {
    return outputTokens;
  }

  public void setOutputTokens(String outputTokens) {
    this.outputTokens = outputTokens;
  }

  public String getKvCacheUsage() {
    return kvCacheUsage;
  }

  public void setKvCacheUsage(String kvCacheUsage) {
    this.kvCacheUsage = kvCacheUsage;
  }

  public String getKvCacheTokens() {
    return kvCacheTokens;
  }

  public void setKvCacheTokens(String kvCacheTokens) {
    this.kvCacheTokens = kvCacheTokens;
  }

  public String getPreemptions() {
    return preemptions;
  }

  public void setPreemptions(String preemptions) {
    this.preemptions = preemptions;
  }

  public String getSteps() {
    return steps;
  }

  public void setSteps(String steps) {
    this.steps = steps;
  }

  public String getTokensPerStep() {
    return tokensPerStep;
  }

  public void setTokensPerStep(String tokensPerStep) {
    this.tokensPerStep = tokensPerStep;
  }

  public String getStepSeconds() {
    return stepSeconds;
  }

  public void setStepSeconds(String stepSeconds) {
    this.stepSeconds = stepSeconds;
  }

  public String getReplicas() {
    return replicas;
  }

  public void setReplicas(String replicas) {
    this.replicas = replicas;
  }

  /**
   * The overrides given, by signal name in kebab case ({@code arrivals}, {@code kv-cache-usage},
   * {@code step-seconds}), as the observe stage's {@code Signal.parse} reads them.
   */
  @JsonIgnore
  public Map<String, String> bySignal() {
    Map<String, String> given = new LinkedHashMap<>();
    put(given, "arrivals", arrivals);
    put(given, "completions", completions);
    put(given, "in-system", inSystem);
    put(given, "running", running);
    put(given, "waiting", waiting);
    put(given, "prompt-tokens", promptTokens);
    put(given, "output-tokens", outputTokens);
    put(given, "kv-cache-usage", kvCacheUsage);
    put(given, "kv-cache-tokens", kvCacheTokens);
    put(given, "preemptions", preemptions);
    put(given, "steps", steps);
    put(given, "tokens-per-step", tokensPerStep);
    put(given, "step-seconds", stepSeconds);
    put(given, "replicas", replicas);
    put(given, "gateway-queue", gatewayQueue);
    put(given, "ttft", ttft);
    put(given, "recent-prompt-tokens", recentPromptTokens);
    return given;
  }

  private static void put(Map<String, String> given, String signal, String promql) {
    if (promql != null && !promql.isBlank()) {
      given.put(signal, promql);
    }
  }
}
