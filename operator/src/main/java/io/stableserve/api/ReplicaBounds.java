package io.stableserve.api;

import io.stableserve.settings.Defaults;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The range the replica count is kept in. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.min <= self.max", message = "replicas.min must be less than or equal to replicas.max")
public class ReplicaBounds {

  @Default(Defaults.MIN_REPLICAS)
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("Fewest replicas. 0 lets an idle service go to zero: it needs spec.scaleToZero (when) and "
      + "metrics.queries.gatewayQueue (the requests a gateway holds while no replica serves, which wake it). Default 1.")
  private Integer min = 1;

  @Required
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Most replicas; decisions above it are clamped and reported by the ScalingLimited condition.")
  private Integer max;

  public ReplicaBounds() {}

  public ReplicaBounds(int min, int max) {
    this.min = min;
    this.max = max;
  }

  /** {@code replicas} clamped into [min, max]. */
  public int clamp(int replicas) {
    return Math.max(effectiveMin(), Math.min(max, replicas));
  }

  public int effectiveMin() {
    return min == null ? 1 : min;
  }

  public Integer getMin() {
    return min;
  }

  public void setMin(Integer min) {
    this.min = min;
  }

  public Integer getMax() {
    return max;
  }

  public void setMax(Integer max) {
    this.max = max;
  }
}
