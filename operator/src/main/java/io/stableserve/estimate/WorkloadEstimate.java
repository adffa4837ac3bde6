package io.stableserve.estimate;

import io.stableserve.workload.ArrivalStatistics;
import io.stableserve.workload.TokenMoments;
import io.stableserve.workload.Workload;
import java.util.Optional;

/**
 * The workload a service is serving, as its histograms show it over the window; usable by every
 * {@code io.stableserve.solve} model.
 *
 * <p>E[s·o] is not in the marginal histograms: it is taken as E[s]·E[o] (prompt and output lengths
 * independent). Where they are positively correlated this understates E[g] by E[s·o] − E[s]·E[o]
 * per request.
 *
 * @param prompt prompt lengths (vllm:request_prompt_tokens)
 * @param output output lengths (vllm:request_generation_tokens)
 * @param arrivalStatistics present when the burstiness of arrivals could be measured
 */
public record WorkloadEstimate(BinnedLengths prompt, BinnedLengths output, Optional<ArrivalStatistics> arrivalStatistics)
    implements Workload {

  public WorkloadEstimate {
    if (prompt == null || output == null) {
      throw new IllegalArgumentException("an observed workload needs both the prompt and the output histogram");
    }
    arrivalStatistics = arrivalStatistics == null ? Optional.empty() : arrivalStatistics;
  }

  @Override
  public TokenMoments moments() {
    return new TokenMoments(prompt.mean(), prompt.meanSquare(), output.mean(), output.meanSquare(),
        prompt.mean() * output.mean(), prompt.max() + output.max());
  }

  @Override
  public double meanPrefillChunks(int chunkTokens) {
    return prompt.meanChunks(chunkTokens);
  }

  @Override
  public Optional<ArrivalStatistics> arrivals() {
    return arrivalStatistics;
  }

  @Override
  public String describe() {
    return String.format("observed: prompt mean %.1f (%.0f requests), output mean %.1f, independent",
        prompt.mean(), prompt.requests(), output.mean());
  }
}
