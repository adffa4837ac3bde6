package io.stableserve.testing;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * A vLLM V1 {@code /metrics} page whose counters advance with the clock at rates the test sets, so
 * that what Prometheus reads can be compared with known truth: completions at a fixed rate, a
 * waiting queue that grows at a fixed rate, prompt and output lengths uniform on given ranges
 * (bucket counts grow as N(t)·F(le)), and a step time b = c₀ + c₁·n(t) + c₂·m(t) with tokens per
 * step n(t) and KV tokens m(t) moving as sinusoids of different periods (so that a least-squares fit
 * can tell the coefficients apart). Counters are integrated in 10 ms steps at each scrape.
 */
public final class SyntheticVllm {

  static final double[] LENGTH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
  static final double[] ITERATION_BUCKETS = {1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192};
  static final double[] LATENCY_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5};

  /** What the synthetic engine does; rates per second. */
  public record Settings(
      String model,
      double completionsPerSecond,
      double queueGrowthPerSecond,
      double running,
      double promptMin, double promptMax,
      double outputMin, double outputMax,
      long kvCacheTokens,
      double c0, double c1, double c2,
      double stepsPerSecond,
      double preemptionsPerSecond) {

    public double arrivalsPerSecond() {
      return completionsPerSecond + queueGrowthPerSecond;
    }

    /** Tokens computed per step at time t (seconds since start). */
    public double tokensPerStep(double t) {
      return 300 + 200 * Math.sin(2 * Math.PI * t / 9);
    }

    /** KV tokens resident at time t. */
    public double kvTokens(double t) {
      return kvCacheTokens * (0.45 + 0.3 * Math.sin(2 * Math.PI * t / 14 + 1));
    }

    public double stepSeconds(double t) {
      return c0 + c1 * tokensPerStep(t) + c2 * kvTokens(t);
    }
  }

  private final Settings s;
  private final long startNanos;
  private double last;
  private double completed;
  private double waiting;
  private double steps;
  private double stepTokens;
  private double interTokenSum;
  private double interTokenCount;
  private double preemptions;

  public SyntheticVllm(Settings settings) {
    this.s = settings;
    this.startNanos = System.nanoTime();
  }

  public Settings settings() {
    return s;
  }

  /** The page at the current time. */
  public synchronized String render() {
    double now = (System.nanoTime() - startNanos) / 1e9;
    advance(now);
    return page(now);
  }

  private void advance(double now) {
    double dt = 0.01;
    while (last < now) {
      double step = Math.min(dt, now - last);
      double mid = last + step / 2;
      completed += s.completionsPerSecond() * step;
      waiting += s.queueGrowthPerSecond() * step;
      steps += s.stepsPerSecond() * step;
      stepTokens += s.stepsPerSecond() * s.tokensPerStep(mid) * step;
      // One inter-token interval per running request per step, each as long as the step.
      double decodes = s.stepsPerSecond() * s.running() * step;
      interTokenCount += decodes;
      interTokenSum += decodes * s.stepSeconds(mid);
      preemptions += s.preemptionsPerSecond() * step;
      last += step;
    }
  }

  private String page(double now) {
    String l = "model_name=\"" + s.model() + "\"";
    StringBuilder b = new StringBuilder();
    gauge(b, "vllm:num_requests_running", l, s.running());
    gauge(b, "vllm:num_requests_waiting", l, waiting);
    gauge(b, "vllm:kv_cache_usage_perc", l, s.kvTokens(now) / s.kvCacheTokens());
    b.append("# TYPE vllm:cache_config_info gauge\n");
    b.append("vllm:cache_config_info{block_size=\"16\",cache_dtype=\"auto\",engine=\"0\",kv_cache_size_tokens=\"")
        .append(s.kvCacheTokens()).append("\",num_gpu_blocks=\"").append(s.kvCacheTokens() / 16).append("\",").append(l).append("} 1.0\n");
    b.append("# TYPE vllm:num_preemptions_total counter\n");
    sample(b, "vllm:num_preemptions_total", l, preemptions);
    b.append("# TYPE vllm:request_success_total counter\n");
    sample(b, "vllm:request_success_total", "finished_reason=\"stop\"," + l, completed * 0.7);
    sample(b, "vllm:request_success_total", "finished_reason=\"length\"," + l, completed * 0.3);
    sample(b, "vllm:request_success_total", "finished_reason=\"abort\"," + l, 0);
    uniformHistogram(b, "vllm:request_prompt_tokens", l, s.promptMin(), s.promptMax());
    uniformHistogram(b, "vllm:request_generation_tokens", l, s.outputMin(), s.outputMax());
    histogram(b, "vllm:iteration_tokens_total", l, ITERATION_BUCKETS, x -> x >= 500 ? 1 : 0, steps, stepTokens);
    histogram(b, "vllm:inter_token_latency_seconds", l, LATENCY_BUCKETS, x -> x >= 0.05 ? 1 : 0, interTokenCount, interTokenSum);
    return b.toString();
  }

  private void uniformHistogram(StringBuilder b, String name, String labels, double lo, double hi) {
    histogram(b, name, labels, LENGTH_BUCKETS, x -> Math.max(0, Math.min(1, (x - lo) / (hi - lo))), completed,
        completed * (lo + hi) / 2);
  }

  private static void histogram(StringBuilder b, String name, String labels, double[] bounds, DoubleUnaryOperator cdf,
      double count, double sum) {
    b.append("# TYPE ").append(name).append(" histogram\n");
    for (double le : bounds) {
      sample(b, name + "_bucket", labels + ",le=\"" + format(le) + "\"", count * cdf.applyAsDouble(le));
    }
    sample(b, name + "_bucket", labels + ",le=\"+Inf\"", count);
    sample(b, name + "_count", labels, count);
    sample(b, name + "_sum", labels, sum);
  }

  private static void gauge(StringBuilder b, String name, String labels, double value) {
    b.append("# TYPE ").append(name).append(" gauge\n");
    sample(b, name, labels, value);
  }

  private static void sample(StringBuilder b, String name, String labels, double value) {
    b.append(name).append('{').append(labels).append("} ").append(format(value)).append('\n');
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }
}
