package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The workload as estimated from the metrics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservedWorkload {

  @JsonPropertyDescription("Arrival rate lambda of the whole service in requests per second (arrivals, not completions).")
  private Double arrivalRate;

  @JsonPropertyDescription("Mean prompt tokens per request, E[s].")
  private Double promptTokensMean;

  @JsonPropertyDescription("Second moment of prompt tokens per request, E[s^2].")
  private Double promptTokensSecondMoment;

  @JsonPropertyDescription("Mean output tokens per request, E[o].")
  private Double outputTokensMean;

  @JsonPropertyDescription("Second moment of output tokens per request, E[o^2].")
  private Double outputTokensSecondMoment;

  @JsonPropertyDescription("Mean KV-cache memory area of a request E[g], in token-steps.")
  private Double memoryArea;

  @JsonPropertyDescription("Squared coefficient of variation of inter-arrival times (1 for Poisson, above 1 bursty), where measurable.")
  private Double burstiness;

  @JsonPropertyDescription("Arrival rate since a significant rise inside the window, in requests per second; "
      + "scale-ups are sized for it rather than for the window's mean, which lags a step in load. Absent without a rise.")
  private Double arrivalRateSinceRise;

  @JsonPropertyDescription("Seconds before observedAt when the rise began.")
  private Double riseSecondsAgo;

  @JsonPropertyDescription("The estimation window, e.g. 5m.")
  private String window;

  @JsonPropertyDescription("When the metrics were read (RFC 3339).")
  private String observedAt;

  public Double getArrivalRate() {
    return arrivalRate;
  }

  public void setArrivalRate(Double arrivalRate) {
    this.arrivalRate = arrivalRate;
  }

  public Double getPromptTokensMean() {
    return promptTokensMean;
  }

  public void setPromptTokensMean(Double promptTokensMean) {
    this.promptTokensMean = promptTokensMean;
  }

  public Double getPromptTokensSecondMoment() {
    return promptTokensSecondMoment;
  }

  public void setPromptTokensSecondMoment(Double promptTokensSecondMoment) {
    this.promptTokensSecondMoment = promptTokensSecondMoment;
  }

  public Double getOutputTokensMean() {
    return outputTokensMean;
  }

  public void setOutputTokensMean(Double outputTokensMean) {
    this.outputTokensMean = outputTokensMean;
  }

  public Double getOutputTokensSecondMoment() {
    return outputTokensSecondMoment;
  }

  public void setOutputTokensSecondMoment(Double outputTokensSecondMoment) {
    this.outputTokensSecondMoment = outputTokensSecondMoment;
  }

  public Double getMemoryArea() {
    return memoryArea;
  }

  public void setMemoryArea(Double memoryArea) {
    this.memoryArea = memoryArea;
  }

  public Double getBurstiness() {
    return burstiness;
  }

  public void setBurstiness(Double burstiness) {
    this.burstiness = burstiness;
  }

  public Double getArrivalRateSinceRise() {
    return arrivalRateSinceRise;
  }

  public void setArrivalRateSinceRise(Double arrivalRateSinceRise) {
    this.arrivalRateSinceRise = arrivalRateSinceRise;
  }

  public Double getRiseSecondsAgo() {
    return riseSecondsAgo;
  }

  public void setRiseSecondsAgo(Double riseSecondsAgo) {
    this.riseSecondsAgo = riseSecondsAgo;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public String getObservedAt() {
    return observedAt;
  }

  public void setObservedAt(String observedAt) {
    this.observedAt = observedAt;
  }
}
