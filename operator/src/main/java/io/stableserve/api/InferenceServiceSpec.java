package io.stableserve.api;

import io.stableserve.settings.Defaults;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * What to scale, within which bounds, by which model, and how to observe it. One target
 * (scaleTargetRef, replicas, engine) or several variants of it, each with its own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.scaleTargetRef) || has(self.variants)",
    message = "spec.scaleTargetRef is required: the workload to scale (or, for one model on several GPU types, spec.variants)")
@ValidationRule(value = "!has(self.scaleTargetRef) || !has(self.variants)",
    message = "set either spec.scaleTargetRef (one target) or spec.variants (several, each with its own scaleTargetRef), not both")
@ValidationRule(value = "has(self.variants) || has(self.replicas)",
    message = "spec.replicas is required with spec.scaleTargetRef, e.g. replicas: {min: 1, max: 8}")
@ValidationRule(value = "!has(self.variants) || !has(self.replicas)",
    message = "with spec.variants the bounds are per variant: move spec.replicas into each variant's replicas")
@ValidationRule(value = "!has(self.variants) || !has(self.engine)",
    message = "with spec.variants the engine is per variant: move spec.engine into each variant's engine")
@ValidationRule(value = "!has(self.replicas) || self.replicas.min > 0 || has(self.scaleToZero)",
    message = "replicas.min 0 needs spec.scaleToZero, the idle rule that says when the service goes to zero, "
        + "e.g. scaleToZero: {idleAfter: 10m}; or set replicas.min to 1 or more")
@ValidationRule(value = "!has(self.scaleToZero) || (has(self.replicas) && self.replicas.min == 0)",
    message = "spec.scaleToZero needs replicas.min: 0 (and one target, not spec.variants); remove it or set replicas.min to 0")
@ValidationRule(value = "!has(self.scaleToZero) || (has(self.metrics.queries) && has(self.metrics.queries.gatewayQueue))",
    message = "spec.scaleToZero needs metrics.queries.gatewayQueue, the requests a gateway holds while no replica serves: "
        + "at zero there is no vLLM metric, and without it nothing would see a request arrive")
public class InferenceServiceSpec {

  public static final double DEFAULT_TARGET_UTILIZATION = Defaults.targetUtilization();

  @JsonPropertyDescription("The serving workload whose replica count is set through its /scale subresource "
      + "(a Deployment, StatefulSet, LeaderWorkerSet or any kind with /scale) in the InferenceService's namespace.")
  private ScaleTargetRef scaleTargetRef;

  @JsonPropertyDescription("The range the replica count is kept in. Required with scaleTargetRef; with variants "
      + "each variant has its own.")
  private ReplicaBounds replicas;

  @Default(Defaults.TARGET_UTILIZATION)
  @ValidationRule(value = "self > 0.0 && self < 1.0",
      message = "must be a fraction strictly between 0 and 1, e.g. 0.85: at 1 and above the queue grows without bound")
  @JsonPropertyDescription("Target utilization rho, strictly between 0 and 1: replicas n = ceil(lambda / (rho * mu)), "
      + "with lambda the arrival rate and mu the stable rate of one replica. Lower values keep more headroom "
      + "for bursts and estimation error. Default 0.85.")
  private Double targetUtilization = DEFAULT_TARGET_UTILIZATION;

  @Default(Defaults.MODEL)
  @JsonPropertyDescription("The stability model that computes the stable rate of one replica: Scheduler (default; "
      + "vLLM's scheduler: the iterative constraints plus the saturated throughput of the simulated scheduler "
      + "with preemption and recomputation, within 4% of the simulator's boundary; docs/validation.md), "
      + "Iterative (load-dependent step time with memory, compute, token-budget and sequence-cap constraints; "
      + "up to 35% optimistic where the KV cache thrashes) or "
      + "Paper (memory only, constant step time, as in Nie, Si and Zhou 2026).")
  private StabilityModelName model = StabilityModelName.Scheduler;

  @Size(min = 1, max = VariantSpec.MAX_VARIANTS)
  @ValidationRule(value = "self.all(v, self.exists_one(w, w.name == v.name))",
      message = "variant names must be unique: rename the repeated one")
  @ValidationRule(value = "self.all(v, self.exists_one(w, w.scaleTargetRef.kind == v.scaleTargetRef.kind "
      + "&& w.scaleTargetRef.name == v.scaleTargetRef.name))",
      message = "two variants scale the same target and would fight over its replicas: give each variant its own scaleTargetRef")
  @ValidationRule(value = "self.exists(v, v.replicas.max >= 1)",
      message = "at least one variant needs replicas.max of 1 or more, or the service has no replica to serve with")
  @JsonPropertyDescription("One model on several kinds of replica (GPU types, on-demand and spot), 1 to 8, instead of "
      + "scaleTargetRef: the operator runs the cheapest mix of them that holds the load (and the SLO), and moves "
      + "to a cheaper mix only when its saving repays its start-ups. See docs/variants.md.")
  private List<VariantSpec> variants;

  @JsonPropertyDescription("Engine settings of one replica. Every field may be omitted; omitted values are "
      + "discovered from the metrics and status.capacity says which were given and which observed.")
  private EngineSpec engine;

  @Required
  @JsonPropertyDescription("Where and how to read the service's metrics from Prometheus.")
  private MetricsSpec metrics;

  @JsonPropertyDescription("How fast replicas are added and removed.")
  private Behavior behavior;

  @JsonPropertyDescription("With replicas.min 0: when an idle service goes to zero. At zero a gateway holds the "
      + "requests (metrics.queries.gatewayQueue reads them) and the first held request wakes it, sized to drain them.")
  private ScaleToZeroSpec scaleToZero;

  @JsonPropertyDescription("A latency objective. With it the replica count is the fewest replicas predicted to meet "
      + "the TTFT percentile, never fewer than targetUtilization sizes for; without it, targetUtilization alone sizes it.")
  private SloSpec slo;

  @Default("Enforce")
  @JsonPropertyDescription("Enforce (default) sets the target's replica count; Recommend computes and reports "
      + "the same decision in status and events but never writes /scale; Metric never writes /scale either and exports "
      + "the decision as the gauge stableserve_desired_replicas{namespace, name} for one KEDA ScaledObject or "
      + "autoscaling/v2 HPA that reads it to set the replicas (not with variants).")
  private Mode mode = Mode.Enforce;

  /** The behaviour, with its defaults where the spec gives none. */
  public Behavior effectiveBehavior() {
    return behavior == null ? new Behavior() : behavior;
  }

  /** The engine settings given; empty (everything discovered) where the spec gives none. */
  public EngineSpec effectiveEngine() {
    return engine == null ? new EngineSpec() : engine;
  }

  public double effectiveTargetUtilization() {
    return targetUtilization == null ? DEFAULT_TARGET_UTILIZATION : targetUtilization;
  }

  public StabilityModelName effectiveModel() {
    return model == null ? StabilityModelName.Scheduler : model;
  }

  public ScaleToZeroSpec getScaleToZero() {
    return scaleToZero;
  }

  public void setScaleToZero(ScaleToZeroSpec scaleToZero) {
    this.scaleToZero = scaleToZero;
  }

  public SloSpec getSlo() {
    return slo;
  }

  public void setSlo(SloSpec slo) {
    this.slo = slo;
  }

  public Mode effectiveMode() {
    return mode == null ? Mode.Enforce : mode;
  }

  /** Whether the service runs several variants rather than one target. */
  public boolean hasVariants() {
    return variants != null && !variants.isEmpty();
  }

  public List<VariantSpec> getVariants() {
    return variants;
  }

  public void setVariants(List<VariantSpec> variants) {
    this.variants = variants;
  }

  public ScaleTargetRef getScaleTargetRef() {
    return scaleTargetRef;
  }

  public void setScaleTargetRef(ScaleTargetRef scaleTargetRef) {
    this.scaleTargetRef = scaleTargetRef;
  }

  public ReplicaBounds getReplicas() {
    return replicas;
  }

  public void setReplicas(ReplicaBounds replicas) {
    this.replicas = replicas;
  }

  public Double getTargetUtilization() {
    return targetUtilization;
  }

  public void setTargetUtilization(Double targetUtilization) {
    this.targetUtilization = targetUtilization;
  }

  public StabilityModelName getModel() {
    return model;
  }

  public void setModel(StabilityModelName model) {
    this.model = model;
  }

  public EngineSpec getEngine() {
    return engine;
  }

  public void setEngine(EngineSpec engine) {
    this.engine = engine;
  }

  public MetricsSpec getMetrics() {
    return metrics;
  }

  public void setMetrics(MetricsSpec metrics) {
    this.metrics = metrics;
  }

  public Behavior getBehavior() {
    return behavior;
  }

  public void setBehavior(Behavior behavior) {
    this.behavior = behavior;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }
}
