package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/**
 * PromQL overrides, one per signal. Each must return one sample (or a vector the operator sums)
 * for the whole service; {@code $window} is replaced by {@code metrics.window} and
 * {@code $selector} by {@code metrics.selector}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricQueries {

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Arrival rate in requests per second, e.g. sum(rate(gateway_requests_total{route=\"llm\"}[$window])). "
      + "Must count arrivals, not completions: completions cap at capacity and hide an overload.")
  private String arrivals;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Mean prompt tokens per request.")
  private String promptTokens;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Second moment E[s^2] of prompt tokens per request.")
  private String promptTokensSecondMoment;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Mean output (generated) tokens per request.")
  private String outputTokens;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Second moment E[o^2] of output tokens per request.")
  private String outputTokensSecondMoment;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("KV-cache usage as a fraction 0..1 per replica (vLLM: vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc).")
  private String kvCacheUsage;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("KV-cache capacity in tokens per replica.")
  private String kvCacheTokens;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Mean engine step time in seconds.")
  private String stepTime;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Preemptions per second (vLLM: rate(vllm:num_preemptions_total[$window])).")
  private String preemptions;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Requests running, summed over replicas.")
  private String running;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription("Requests waiting, summed over replicas.")
  private String waiting;

  public String getArrivals() {
    return arrivals;
  }

  public void setArrivals(String arrivals) {
    this.arrivals = arrivals;
  }

  public String getPromptTokens() {
    return promptTokens;
  }

  public void setPromptTokens(String promptTokens) {
    this.promptTokens = promptTokens;
  }

  public String getPromptTokensSecondMoment() {
    return promptTokensSecondMoment;
  }

  public void setPromptTokensSecondMoment(String promptTokensSecondMoment) {
    this.promptTokensSecondMoment = promptTokensSecondMoment;
  }

  public String getOutputTokens() {
    return outputTokens;
  }

  public void setOutputTokens(String outputTokens) {
    this.outputTokens = outputTokens;
  }

  public String getOutputTokensSecondMoment() {
    return outputTokensSecondMoment;
  }

  public void setOutputTokensSecondMoment(String outputTokensSecondMoment) {
    this.outputTokensSecondMoment = outputTokensSecondMoment;
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

  public String getStepTime() {
    return stepTime;
  }

  public void setStepTime(String stepTime) {
    this.stepTime = stepTime;
  }

  public String getPreemptions() {
    return preemptions;
  }

  public void setPreemptions(String preemptions) {
    this.preemptions = preemptions;
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
}
