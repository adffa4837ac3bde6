package io.stableserve.sim.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.sim.Engine;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.CompletionListener;
import io.stableserve.sim.metrics.ExpositionParser.Sample;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VllmExpositionTest {

  static VllmMetricsSnapshot snapshot;
  static Engine engine;

  @BeforeAll
  static void runAnEngine() {
    // A small cache and a burst of requests, so that there are preemptions and a queue.
    EngineConfig config = EngineConfig.of(16 * 300, 256, new StepTimeModel(0.01, 2e-5, 1e-7));
    engine = new Engine(EngineSetup.of(config), new MersenneTwister(3), CompletionListener.NONE, 8192);
    for (int i = 0; i < 60; i++) {
      engine.submit(i, i * 0.05, 200 + 37 * i % 900, 50 + 13 * i % 400);
    }
    engine.advanceTo(4);
    snapshot = engine.metrics();
  }

  @Test
  void v1PageReadsBackWithVllmNamesLabelsAndValues() {
    ExpositionParser page = ExpositionParser.parse(VllmExposition.render(snapshot, "meta/llama", 0,
        VllmExposition.Dialect.V1));
    assertThat(page.type).containsEntry("vllm:num_requests_running", "gauge")
        .containsEntry("vllm:num_requests_waiting", "gauge")
        .containsEntry("vllm:kv_cache_usage_perc", "gauge")
        .containsEntry("vllm:cache_config_info", "gauge")
        .containsEntry("vllm:num_preemptions_total", "counter")
        .containsEntry("vllm:prompt_tokens_total", "counter")
        .containsEntry("vllm:generation_tokens_total", "counter")
        .containsEntry("vllm:request_success_total", "counter")
        .containsEntry("vllm:request_prompt_tokens", "histogram")
        .containsEntry("vllm:request_generation_tokens", "histogram")
        .containsEntry("vllm:iteration_tokens_total", "histogram")
        .containsEntry("vllm:time_to_first_token_seconds", "histogram")
        .containsEntry("vllm:inter_token_latency_seconds", "histogram")
        .containsEntry("vllm:e2e_request_latency_seconds", "histogram")
        .containsEntry("vllm:request_queue_time_seconds", "histogram");
    assertThat(page.type).doesNotContainKeys("vllm:gpu_cache_usage_perc", "vllm:time_per_output_token_seconds");
    assertThat(page.help).containsEntry("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.");

    for (Sample s : page.samples) {
      if (s.name().equals("vllm:cache_config_info")) {
        assertThat(s.labels()).containsEntry("engine", "0").doesNotContainKey("model_name");
      } else {
        assertThat(s.labels()).containsEntry("model_name", "meta/llama").containsEntry("engine", "0");
      }
    }
    assertThat(page.value("vllm:num_requests_running")).isEqualTo(engine.running());
    assertThat(page.value("vllm:num_requests_waiting")).isEqualTo(engine.waiting());
    assertThat(page.value("vllm:kv_cache_usage_perc")).isEqualTo(engine.kvCacheUsage());
    assertThat(page.value("vllm:num_preemptions_total")).isEqualTo(engine.preemptions()).isPositive();
    assertThat(page.series("vllm:request_success_total")).extracting(s -> s.labels().get("finished_reason"))
        .containsExactly("stop", "length", "abort");
    double success = page.series("vllm:request_success_total").stream().mapToDouble(Sample::value).sum();
    assertThat(success).isEqualTo(engine.completed()).isPositive();
    assertThat(page.value("vllm:request_prompt_tokens_count")).isEqualTo(success);

    Map<String, String> cache = page.series("vllm:cache_config_info").get(0).labels();
    assertThat(cache).containsEntry("num_gpu_blocks", "300").containsEntry("block_size", "16")
        .containsEntry("kv_cache_size_tokens", "4800");
    assertThat(page.value("vllm:cache_config_info")).isEqualTo(1.0);
  }

  @Test
  void histogramsAreCumulativeWithVllmsBucketsAndInfEqualsCount() {
    ExpositionParser page = ExpositionParser.parse(VllmExposition.render(snapshot, "m", 0,
        VllmExposition.Dialect.V1));
    for (String h : List.of("vllm:request_prompt_tokens", "vllm:request_generation_tokens",
        "vllm:iteration_tokens_total", "vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds",
        "vllm:e2e_request_latency_seconds", "vllm:request_queue_time_seconds")) {
      List<Sample> buckets = page.series(h + "_bucket");
      double previous = 0;
      double previousLe = Double.NEGATIVE_INFINITY;
      for (Sample b : buckets) {
        double le = b.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY
            : Double.parseDouble(b.labels().get("le"));
        assertThat(le).as(h + " bounds increase").isGreaterThan(previousLe);
        assertThat(b.value()).as(h + " counts are cumulative").isGreaterThanOrEqualTo(previous);
        previous = b.value();
        previousLe = le;
      }
      assertThat(buckets.get(buckets.size() - 1).labels()).containsEntry("le", "+Inf");
      assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(page.value(h + "_count")).isPositive();
      assertThat(page.value(h + "_sum")).isPositive();
    }
    assertThat(page.series("vllm:time_to_first_token_seconds_bucket")).extracting(s -> s.labels().get("le"))
        .startsWith("0.001", "0.005", "0.01").endsWith("640.0", "2560.0", "+Inf").hasSize(23);
    assertThat(page.series("vllm:e2e_request_latency_seconds_bucket")).extracting(s -> s.labels().get("le"))
        .startsWith("0.3", "0.5", "0.8").endsWith("7680.0", "+Inf");
    // 1-2-5 buckets up to the model's context length of 8192 tokens.
    assertThat(page.series("vllm:request_prompt_tokens_bucket")).extracting(s -> s.labels().get("le"))
        .containsExactly("1.0", "2.0", "5.0", "10.0", "20.0", "50.0", "100.0", "200.0", "500.0", "1000.0",
            "2000.0", "5000.0", "+Inf");
  }

  @Test
  void v0PageUsesTheOldNamesAndNoEngineLabel() {
    String text = VllmExposition.render(snapshot, "Qwen/Qwen2.5", 0, VllmExposition.Dialect.V0);
    ExpositionParser page = ExpositionParser.parse(text);
    assertThat(page.type).containsKeys("vllm:gpu_cache_usage_perc", "vllm:time_per_output_token_seconds",
        "vllm:num_requests_swapped", "vllm:cpu_cache_usage_perc");
    assertThat(page.type).doesNotContainKeys("vllm:kv_cache_usage_perc", "vllm:inter_token_latency_seconds");
    assertThat(page.value("vllm:gpu_cache_usage_perc")).isEqualTo(engine.kvCacheUsage());
    for (Sample s : page.samples) {
      assertThat(s.labels()).doesNotContainKey("engine");
    }
    Map<String, String> cache = page.series("vllm:cache_config_info").get(0).labels();
    assertThat(cache).doesNotContainKeys("model_name", "kv_cache_size_tokens")
        .containsEntry("num_gpu_blocks", "300").containsEntry("block_size", "16");
    assertThat(text).contains("vllm:request_success_total{finished_reason=\"stop\",model_name=\"Qwen/Qwen2.5\"} ");
  }

  @Test
  void numbersAndLabelValuesAreWrittenAsPrometheusReadsThem() {
    assertThat(VllmExposition.number(3)).isEqualTo("3.0");
    assertThat(VllmExposition.number(0.25)).isEqualTo("0.25");
    assertThat(VllmExposition.number(1e-5)).isEqualTo("1e-05");
    assertThat(VllmExposition.number(1.5e20)).isEqualTo("1.5e+20");
    assertThat(VllmExposition.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    VllmMetrics m = new VllmMetrics(CacheConfigInfo.forTokens(1600, 16), 100);
    String text = VllmExposition.render(m.snapshot(), "a\"b\\c", 2, VllmExposition.Dialect.V1);
    ExpositionParser page = ExpositionParser.parse(text);
    assertThat(page.series("vllm:num_requests_running").get(0).labels())
        .containsEntry("model_name", "a\"b\\c").containsEntry("engine", "2");
  }
}
