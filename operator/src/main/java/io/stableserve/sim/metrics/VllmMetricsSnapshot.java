package io.stableserve.sim.metrics;

/**
 * The metrics of one engine at one instant. The histograms are private copies; do not change them.
 *
 * @param success completed requests per {@link VllmMetrics.FinishReason}, by ordinal
 */
public record VllmMetricsSnapshot(
    CacheConfigInfo cacheConfig,
    int running,
    int waiting,
    double kvCacheUsage,
    long preemptions,
    long promptTokens,
    long generationTokens,
    long[] success,
    Histogram requestPromptTokens,
    Histogram requestGenerationTokens,
    Histogram iterationTokens,
    Histogram timeToFirstToken,
    Histogram interTokenLatency,
    Histogram e2eLatency,
    Histogram queueTime) {

  public long successTotal() {
    long total = 0;
    for (long s : success) {
      total += s;
    }
    return total;
  }
}
