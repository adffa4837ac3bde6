package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One kind of replica of the service (a GPU type, on-demand or spot): its own workload to scale, its
 * engine, its price and bounds, and the series that are its own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VariantSpec {

  /** The most variants a service may have: the exact search is exponential in their number. */
  public static final int MAX_VARIANTS = 8;
  /** The highest cost per replica-hour accepted, to catch a price given in cents or per month. */
  public static final double MAX_COST_PER_HOUR = 10000;

  @Required
  @Size(max = 63)
  @ValidationRule(value = "self.matches(r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
      message = "must be a DNS label such as h100 or a100-spot: lower-case letters, digits and '-', starting and ending with a letter or digit")
  @JsonPropertyDescription("The variant's name, a DNS label unique within the service, e.g. h100 or a100-spot. "
      + "Status and Events name the variant by it.")
  private String name;

  @Required
  @JsonPropertyDescription("This variant's workload, whose replica count is set through its /scale subresource, in "
      + "the InferenceService's namespace.")
  private ScaleTargetRef scaleTargetRef;

  @JsonPropertyDescription("Engine settings of one replica of this variant, as spec.engine for a single target: "
      + "omitted values are observed from this variant's series.")
  private EngineSpec engine;

  @Required
  @ValidationRule(value = "self > 0.0 && self <= " + MAX_COST_PER_HOUR,
      message = "must be the cost of one replica for an hour, more than 0 and at most 10000, e.g. 4.0 (in any currency, "
          + "the same for every variant)")
  @JsonPropertyDescription("What one replica of this variant costs per hour, in any currency as long as every variant "
      + "uses the same one, e.g. 4.0. More than 0, at most 10000.")
  private Double costPerHour;

  @Required
  @JsonPropertyDescription("The range this variant's replica count is kept in.")
  private VariantReplicas replicas;

  @Required
  @Size(max = 2048)
  @ValidationRule(value = "self.matches(r'" + MetricsSpec.SELECTOR_PATTERN + "')",
      message = "must be PromQL label matchers that pick this variant's series out of spec.metrics.selector's, "
          + "such as pod=~\"llama-h100-.*\" (values in double quotes)")
  @JsonPropertyDescription("PromQL label matchers added to spec.metrics.selector to select this variant's series, "
      + "e.g. pod=~\"llama-h100-.*\". The service's arrival rate and token lengths are read with spec.metrics.selector "
      + "alone; the variant's engine is observed with both.")
  private String selector;

  public VariantSpec() {}

  /** The engine settings given; empty (everything observed) where the variant gives none. */
  public EngineSpec effectiveEngine() {
    return engine == null ? new EngineSpec() : engine;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public ScaleTargetRef getScaleTargetRef() {
    return scaleTargetRef;
  }

  public void setScaleTargetRef(ScaleTargetRef scaleTargetRef) {
    this.scaleTargetRef = scaleTargetRef;
  }

  public EngineSpec getEngine() {
    return engine;
  }

  public void setEngine(EngineSpec engine) {
    this.engine = engine;
  }

  public Double getCostPerHour() {
    return costPerHour;
  }

  public void setCostPerHour(Double costPerHour) {
    this.costPerHour = costPerHour;
  }

  public VariantReplicas getReplicas() {
    return replicas;
  }

  public void setReplicas(VariantReplicas replicas) {
    this.replicas = replicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }
}
