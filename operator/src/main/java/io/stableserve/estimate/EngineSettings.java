package io.stableserve.estimate;

import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The engine settings a user gave, each optional; what is not given is taken from the metrics
 * (M from {@code vllm:cache_config_info}, the step-time model from the fit) or, for the prefill
 * chunk, a default. vLLM exports neither {@code max_num_seqs} nor {@code max_num_batched_tokens},
 * so those constraints apply only when given.
 */
public record EngineSettings(
    OptionalLong kvCacheTokens,
    OptionalInt chunkTokens,
    OptionalInt maxNumSeqs,
    OptionalInt maxBatchedTokens,
    Optional<StepTimeModel> stepTime) {

  /**
   * The prefill chunk ŝ when none is given: vLLM V1's default {@code max_num_batched_tokens} for
   * the OpenAI-compatible server on most GPUs. Say the real value when it differs.
   */
  public static final int DEFAULT_CHUNK_TOKENS = 2048;

  public EngineSettings {
    kvCacheTokens = kvCacheTokens == null ? OptionalLong.empty() : kvCacheTokens;
    chunkTokens = chunkTokens == null ? OptionalInt.empty() : chunkTokens;
    maxNumSeqs = maxNumSeqs == null ? OptionalInt.empty() : maxNumSeqs;
    maxBatchedTokens = maxBatchedTokens == null ? OptionalInt.empty() : maxBatchedTokens;
    stepTime = stepTime == null ? Optional.empty() : stepTime;
  }

  /** Every figure given, as the engine has it: nothing is taken from the metrics. */
  public static EngineSettings given(EngineConfig engine) {
    return new EngineSettings(OptionalLong.of(engine.kvCacheTokens()), OptionalInt.of(engine.chunkTokens()), engine.maxNumSeqs(),
        engine.maxBatchedTokens(), Optional.of(engine.stepTime()));
  }

  public static EngineSettings none() {
    return new EngineSettings(OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
  }

  /** The engine of one replica and where each of its figures came from. */
  public record ResolvedEngine(
      EngineConfig config,
      Provenance kvCacheTokens,
      Provenance chunkTokens,
      Provenance stepTime,
      Optional<StepTimeEstimate.Method> stepTimeMethod,
      List<String> notes) {
    public ResolvedEngine {
      notes = List.copyOf(notes);
    }
  }

  /**
   * Fills in what was not given from the estimate.
   *
   * @throws MetricsUnavailableException (NO_DATA) when M or the step time is neither given nor observable
   */
  public ResolvedEngine resolve(ServiceEstimate estimate) throws MetricsUnavailableException {
    return resolve(Optional.of(estimate));
  }

  /**
   * The engine without metrics, where every figure that is otherwise observed (M, the step time) is
   * given: a replica type with no replica running has no series to observe.
   */
  public Optional<ResolvedEngine> resolveGiven() {
    if (kvCacheTokens.isEmpty() || stepTime.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(resolve(Optional.empty()));
    } catch (MetricsUnavailableException e) {
      throw new IllegalStateException("an engine with M and the step time given needs no metrics", e);
    }
  }

  private ResolvedEngine resolve(Optional<ServiceEstimate> estimate) throws MetricsUnavailableException {
    List<String> notes = new ArrayList<>();
    long m;
    Provenance mFrom;
    if (kvCacheTokens.isPresent()) {
      m = kvCacheTokens.getAsLong();
      mFrom = Provenance.GIVEN;
    } else if (estimate.flatMap(ServiceEstimate::kvCache).isPresent()) {
      m = estimate.get().kvCache().get().tokensPerReplica();
      mFrom = Provenance.OBSERVED;
      if (!estimate.get().kvCache().get().uniform()) {
        notes.add("replicas report different KV-cache sizes; the smallest, " + m + " tokens, is used");
      }
    } else {
      throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.KV_CACHE_TOKENS, null,
          "the KV-cache capacity M is not given and vllm:cache_config_info was not found; give the KV-cache tokens (num_gpu_blocks × block_size) in the engine settings");
    }
    int chunk;
    Provenance chunkFrom;
    if (chunkTokens.isPresent()) {
      chunk = chunkTokens.getAsInt();
      chunkFrom = Provenance.GIVEN;
    } else {
      chunk = DEFAULT_CHUNK_TOKENS;
      chunkFrom = Provenance.DEFAULT;
      notes.add("prefill chunk not given (vLLM does not export max_num_batched_tokens); assumed " + chunk + " tokens");
    }
    StepTimeModel step;
    Provenance stepFrom;
    Optional<StepTimeEstimate.Method> method = Optional.empty();
    if (stepTime.isPresent()) {
      step = stepTime.get();
      stepFrom = Provenance.GIVEN;
    } else if (estimate.flatMap(ServiceEstimate::stepTime).isPresent()) {
      StepTimeEstimate observed = estimate.get().stepTime().get();
      step = observed.model();
      stepFrom = Provenance.OBSERVED;
      method = Optional.of(observed.method());
      if (!observed.note().isEmpty()) {
        notes.add(observed.note());
      }
    } else {
      throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.STEP_SECONDS, null,
          "the step time is not given and could not be observed (no engine steps or inter-token latency in the window); give the step-time coefficients in the engine settings");
    }
    EngineConfig config = new EngineConfig(m, chunk, maxNumSeqs, maxBatchedTokens, step);
    return new ResolvedEngine(config, mFrom, chunkFrom, stepFrom, method, notes);
  }
}
