package io.stableserve.sim.metrics;

/**
 * The metrics one vLLM engine keeps, with vLLM V1's histogram buckets (from
 * {@code vllm/v1/metrics/loggers.py}). Mutable and single-threaded: the engine that owns it updates
 * it; {@link #snapshot()} gives an immutable copy that {@link VllmExposition} renders.
 */
public final class VllmMetrics {

  /** vLLM's TTFT buckets, seconds. */
  public static final double[] TTFT_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
    160.0, 640.0, 2560.0};

  /** vLLM's inter-token latency (and older time-per-output-token) buckets, seconds. */
  public static final double[] INTER_TOKEN_BUCKETS = {
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};

  /** vLLM's request latency buckets (e2e, queue, inference, prefill, decode), seconds. */
  public static final double[] REQUEST_LATENCY_BUCKETS = {
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
    1920.0, 7680.0};

  /** vLLM's tokens-per-engine-step buckets. */
  public static final double[] ITERATION_TOKEN_BUCKETS = {
    1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};

  private final CacheConfigInfo cacheConfig;
  private int running;
  private int waiting;
  private double kvCacheUsage;
  private long preemptions;
  private long promptTokens;
  private long generationTokens;
  private final long[] success = new long[FinishReason.values().length];
  private final Histogram requestPromptTokens;
  private final Histogram requestGenerationTokens;
  private final Histogram iterationTokens = new Histogram(ITERATION_TOKEN_BUCKETS);
  private final Histogram timeToFirstToken = new Histogram(TTFT_BUCKETS);
  private final Histogram interTokenLatency = new Histogram(INTER_TOKEN_BUCKETS);
  private final Histogram e2eLatency = new Histogram(REQUEST_LATENCY_BUCKETS);
  private final Histogram queueTime = new Histogram(REQUEST_LATENCY_BUCKETS);

  /**
   * @param cacheConfig what {@code vllm:cache_config_info} reports
   * @param maxModelLen the model's context length; the token histograms' 1-2-5 buckets end there
   */
  public VllmMetrics(CacheConfigInfo cacheConfig, long maxModelLen) {
    if (maxModelLen < 1) {
      throw new IllegalArgumentException("max model length must be at least 1 token, got " + maxModelLen);
    }
    this.cacheConfig = cacheConfig;
    this.requestPromptTokens = new Histogram(Histogram.oneTwoFive(maxModelLen));
    this.requestGenerationTokens = new Histogram(Histogram.oneTwoFive(maxModelLen));
  }

  /** Why a request finished, as vLLM labels {@code vllm:request_success_total}. */
  public enum FinishReason {
    STOP, LENGTH, ABORT;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public void setScheduler(int running, int waiting, double kvCacheUsage) {
    if (running < 0 || waiting < 0 || !(kvCacheUsage >= 0 && kvCacheUsage <= 1)) {
      throw new IllegalArgumentException("running " + running + ", waiting " + waiting + " and KV usage "
          + kvCacheUsage + " must be non-negative, usage at most 1");
    }
    this.running = running;
    this.waiting = waiting;
    this.kvCacheUsage = kvCacheUsage;
  }

  public void addPreemptions(long n) {
    preemptions += n;
  }

  /** An engine step that computed {@code tokens} tokens. */
  public void step(int tokens) {
    iterationTokens.observe(tokens);
  }

  /** The first token of a request: TTFT, and its prompt counted as processed (as vLLM V1 does). */
  public void firstToken(double ttftSeconds, int promptLength) {
    timeToFirstToken.observe(ttftSeconds);
    promptTokens += promptLength;
  }

  /** {@code count} generated tokens, each {@code latencySeconds} after the request's previous token. */
  public void tokens(double latencySeconds, long count) {
    interTokenLatency.observe(latencySeconds, count);
  }

  public void generatedTokens(long count) {
    generationTokens += count;
  }

  public void finished(FinishReason reason, int promptLength, int outputLength, double queueSeconds,
      double e2eSeconds) {
    success[reason.ordinal()]++;
    requestPromptTokens.observe(promptLength);
    requestGenerationTokens.observe(outputLength);
    queueTime.observe(queueSeconds);
    e2eLatency.observe(e2eSeconds);
  }

  public VllmMetricsSnapshot snapshot() {
    return new VllmMetricsSnapshot(cacheConfig, running, waiting, kvCacheUsage, preemptions, promptTokens,
        generationTokens, success.clone(), requestPromptTokens.copy(), requestGenerationTokens.copy(),
        iterationTokens.copy(), timeToFirstToken.copy(), interTokenLatency.copy(), e2eLatency.copy(), queueTime.copy());
  }

  public long preemptions() {
    return preemptions;
  }
}
