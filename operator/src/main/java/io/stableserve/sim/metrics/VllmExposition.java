package io.stableserve.sim.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders one engine's metrics as a vLLM {@code /metrics} page in the Prometheus text format
 * (version 0.0.4), with vLLM's metric names, help texts, labels and buckets.
 *
 * <p>{@link Dialect#V1} follows {@code vllm/v1/metrics/loggers.py}: labels {@code model_name} and
 * {@code engine} on every series, and {@code vllm:cache_config_info} labelled with the cache
 * settings and {@code engine} but no {@code model_name}, as vLLM does. {@link Dialect#V0} renders
 * the names of the older engine ({@code vllm:gpu_cache_usage_perc},
 * {@code vllm:time_per_output_token_seconds}), series labelled by {@code model_name} only, and
 * {@code vllm:cache_config_info} with neither label, as in the published V0 sample.
 */
public final class VllmExposition {

  /** Content type of the Prometheus text format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  public enum Dialect { V1, V0 }

  private VllmExposition() {}

  /** The page of one engine, index {@code engine} (vLLM numbers data-parallel engines from 0). */
  public static String render(VllmMetricsSnapshot s, String modelName, int engine, Dialect dialect) {
    Page page = new Page(dialect, modelName, Integer.toString(engine));
    boolean v1 = dialect == Dialect.V1;

    page.info(s.cacheConfig());
    page.gauge("vllm:num_requests_running",
        v1 ? "Number of requests in model execution batches." : "Number of requests currently running on GPU.",
        s.running());
    if (!v1) {
      page.gauge("vllm:num_requests_swapped", "Number of requests swapped to CPU.", 0);
    }
    page.gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", s.waiting());
    if (v1) {
      page.gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", s.kvCacheUsage());
    } else {
      page.gauge("vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", s.kvCacheUsage());
      page.gauge("vllm:cpu_cache_usage_perc", "CPU KV-cache usage. 1 means 100 percent usage.", 0);
    }
    page.counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", s.preemptions());
    page.counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", s.promptTokens());
    page.counter("vllm:generation_tokens_total", "Number of generation tokens processed.", s.generationTokens());
    page.header("vllm:request_success_total", "Count of successfully processed requests.", "counter");
    for (VllmMetrics.FinishReason reason : VllmMetrics.FinishReason.values()) {
      page.sample("vllm:request_success_total", Map.of("finished_reason", reason.label()),
          s.success()[reason.ordinal()]);
    }
    page.histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", s.requestPromptTokens());
    page.histogram("vllm:request_generation_tokens", "Number of generation tokens processed.",
        s.requestGenerationTokens());
    page.histogram("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.",
        s.iterationTokens());
    page.histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
        s.timeToFirstToken());
    if (v1) {
      page.histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
          s.interTokenLatency());
    } else {
      page.histogram("vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds.",
          s.interTokenLatency());
    }
    page.histogram("vllm:e2e_request_latency_seconds",
        v1 ? "Histogram of e2e request latency in seconds." : "Histogram of end to end request latency in seconds.",
        s.e2eLatency());
    page.histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.",
        s.queueTime());
    return page.text();
  }

  /** A number as Python's prometheus_client writes it: 3.0, 0.25, 1e-05, +Inf. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e16) {
      return (long) v + ".0";
    }
    String text = Double.toString(v);
    int e = text.indexOf('E');
    if (e < 0) {
      return text;
    }
    String mantissa = text.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    int exponent = Integer.parseInt(text.substring(e + 1));
    return String.format("%se%s%02d", mantissa, exponent < 0 ? "-" : "+", Math.abs(exponent));
  }

  static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static final class Page {
    private final StringBuilder out = new StringBuilder(8192);
    private final Dialect dialect;
    private final String modelName;
    private final String engine;

    Page(Dialect dialect, String modelName, String engine) {
      this.dialect = dialect;
      this.modelName = modelName;
      this.engine = engine;
    }

    void header(String name, String help, String type) {
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    void gauge(String name, String help, double value) {
      header(name, help, "gauge");
      sample(name, Map.of(), value);
    }

    void counter(String name, String help, double value) {
      header(name, help, "counter");
      sample(name, Map.of(), value);
    }

    void histogram(String name, String help, Histogram h) {
      header(name, help, "histogram");
      for (int i = 0; i < h.bucketCount(); i++) {
        sample(name + "_bucket", Map.of("le", number(h.bound(i))), h.cumulativeCount(i));
      }
      sample(name + "_bucket", Map.of("le", "+Inf"), h.count());
      sample(name + "_count", Map.of(), h.count());
      sample(name + "_sum", Map.of(), h.sum());
    }

    void info(CacheConfigInfo cache) {
      Map<String, String> labels = new TreeMap<>();
      labels.put("block_size", Integer.toString(cache.blockSize()));
      labels.put("cache_dtype", "auto");
      labels.put("enable_prefix_caching", "False");
      labels.put("gpu_memory_utilization", number(cache.gpuMemoryUtilization()));
      labels.put("num_gpu_blocks", Long.toString(cache.numGpuBlocks()));
      labels.put("num_gpu_blocks_override", "None");
      labels.put("sliding_window", "None");
      labels.put("swap_space_bytes", "4294967296");
      if (dialect == Dialect.V1) {
        labels.put("engine", engine);
        labels.put("kv_cache_size_tokens", Long.toString(cache.kvCacheSizeTokens()));
      } else {
        labels.put("calculate_kv_scales", "False");
        labels.put("cpu_offload_gb", "0");
        labels.put("is_attention_free", "False");
        labels.put("num_cpu_blocks", "0");
      }
      out.append("# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig\n");
      out.append("# TYPE vllm:cache_config_info gauge\n");
      line("vllm:cache_config_info", labels, 1.0);
    }

    /** A series with the engine's own labels first (model_name, engine), then {@code extra}. */
    void sample(String name, Map<String, String> extra, double value) {
      Map<String, String> labels;
      if (dialect == Dialect.V1) {
        labels = new LinkedHashMap<>();
        labels.put("model_name", modelName);
        labels.put("engine", engine);
        List<String> keys = new ArrayList<>(extra.keySet());
        keys.sort(null);
        for (String k : keys) {
          labels.put(k, extra.get(k));
        }
      } else {
        labels = new TreeMap<>(extra);
        labels.put("model_name", modelName);
      }
      line(name, labels, value);
    }

    private void line(String name, Map<String, String> labels, double value) {
      out.append(name);
      if (!labels.isEmpty()) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          out.append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
        }
        out.append('}');
      }
      out.append(' ').append(number(value)).append('\n');
    }

    String text() {
      return out.toString();
    }
  }
}
