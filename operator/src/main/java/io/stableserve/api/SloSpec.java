package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The service's latency objective. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloSpec {

  @Required
  @JsonPropertyDescription("Time to first token: the replica count becomes the fewest whose predicted TTFT percentile "
      + "meets the target (a queueing approximation calibrated online on vLLM's TTFT histogram), instead of "
      + "ceil(lambda / (rho * mu)); a backlog is drained within ttft.drainTime of the replicas added for it serving.")
  private TtftObjective ttft;

  public SloSpec() {}

  public SloSpec(TtftObjective ttft) {
    this.ttft = ttft;
  }

  public TtftObjective getTtft() {
    return ttft;
  }

  public void setTtft(TtftObjective ttft) {
    this.ttft = ttft;
  }
}
