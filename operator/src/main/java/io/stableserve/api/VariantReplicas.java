package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The range one variant's replica count is kept in. Unlike the service's own bounds the minimum may
 * be 0: a variant may go unused while the others serve.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.min <= self.max",
    message = "replicas.min must be less than or equal to replicas.max: lower min or raise max")
public class VariantReplicas {

  @Default("0")
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("Fewest replicas of this variant, 0 to 10000. Default 0 (the variant may go unused).")
  private Integer min = 0;

  @Required
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("Most replicas of this variant, 0 to 10000.")
  private Integer max;

  public VariantReplicas() {}

  public VariantReplicas(int min, int max) {
    this.min = min;
    this.max = max;
  }

  public int effectiveMin() {
    return min == null ? 0 : min;
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
