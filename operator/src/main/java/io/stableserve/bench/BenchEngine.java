package io.stableserve.bench;

import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A replica the benchmark runs on: one GPU, one engine.
 *
 * <ul>
 *   <li>{@code h100}, the reference: Llama-3.1-8B-like on one H100: 131,072 KV tokens,
 *       {@code max_num_batched_tokens} (and prefill chunk) 2048, {@code max_num_seqs} 256, step
 *       6 ms + 17 µs per computed token + 0.1 µs per resident KV token.</li>
 *   <li>{@code a100}: the same model and vLLM settings on one A100 80 GB: step 16.4 ms + 48 µs per
 *       computed token (about 2.8× the H100's per-token cost, the ratio of their dense bf16 peaks being
 *       about 3.2) + 0.1 µs per KV token as on the H100. The KV cache is the same 131,072 tokens:
 *       vLLM sizes it from the memory left after the weights and the activation peak, and both
 *       cards have 80 GB and hold the same weights, so the same {@code gpu_memory_utilization}
 *       leaves the same room.</li>
 * </ul>
 */
public record BenchEngine(String key, String description, EngineConfig config) {

  public static final BenchEngine H100 = new BenchEngine("h100", "Llama-3.1-8B-like on one H100 (the reference replica)",
      new EngineConfig(131_072, 2048, OptionalInt.of(256), OptionalInt.of(2048), new StepTimeModel(0.006, 1.7e-5, 1e-7)));

  public static final BenchEngine A100 = new BenchEngine("a100", "the same model on one A100 80 GB",
      new EngineConfig(131_072, 2048, OptionalInt.of(256), OptionalInt.of(2048), new StepTimeModel(0.0164, 4.8e-5, 1e-7)));

  public static final List<BenchEngine> ALL = List.of(H100, A100);

  public BenchEngine {
    if (key == null || key.isBlank() || config == null) {
      throw new IllegalArgumentException("a benchmark engine needs a name and a configuration");
    }
  }

  public static BenchEngine parse(String text) {
    for (BenchEngine e : ALL) {
      if (e.key.equalsIgnoreCase(text.trim())) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown engine '" + text + "'; expected h100 or a100");
  }

  /** The same replica with another configuration (engine options given on the command line). */
  public BenchEngine with(EngineConfig other) {
    return other.equals(config) ? this : new BenchEngine(key, description + ", with the engine options given", other);
  }

  public String summary() {
    int batched = config.maxBatchedTokens().orElse(config.chunkTokens());
    return String.format(Locale.ROOT, "%s: %s: M = %d KV tokens, max_num_batched_tokens %d, max_num_seqs %d, step %.3g + %.3g·n + %.3g·m s",
        key, description, config.kvCacheTokens(), batched, config.maxNumSeqs().orElse(0), config.stepTime().baseSeconds(),
        config.stepTime().secondsPerToken(), config.stepTime().secondsPerKvToken());
  }
}
