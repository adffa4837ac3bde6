package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the operator observed, what one replica can serve, and what it decided. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InferenceServiceStatus {

  @JsonPropertyDescription("The metadata.generation of the spec this status reflects.")
  private Long observedGeneration;

  @JsonPropertyDescription("Replicas of the target as its /scale subresource reports them.")
  private Integer replicas;

  @JsonPropertyDescription("Replicas the last decision asked for (in Recommend mode: would have asked for).")
  private Integer desiredReplicas;

  @JsonPropertyDescription("When the operator last changed the target's replica count (RFC 3339).")
  private String lastScaleTime;

  @JsonPropertyDescription("When the operator last added replicas (RFC 3339). Replicas not ready within "
      + "spec.behavior.replicaStartupTime of it count as starting; kept in status so a restart keeps it.")
  private String lastScaleUpTime;

  @JsonPropertyDescription("Since when the load has asked for more replicas than the target has (RFC 3339); "
      + "spec.behavior.scaleUp.settleTime counts from it while the arrival rate's confidence band still spans more "
      + "than one count. Absent once the replicas reach the count or the band no longer asks for more.")
  private String scaleUpSettlingSince;

  @JsonPropertyDescription("With replicas.min 0: since when the service is idle, the last wake and cold start, and the "
      + "capacity a wake is sized with.")
  private ScaleToZeroStatus scaleToZero;

  @JsonPropertyDescription("The workload as estimated from the metrics over the window.")
  private ObservedWorkload workload;

  @JsonPropertyDescription("What one replica can serve stably, by constraint, and the engine values it was solved with.")
  private CapacityStatus capacity;

  @JsonPropertyDescription("Utilization rho = lambda / (n * mu) at the current replicas n; at or above 1 the queue grows without bound.")
  private Double utilization;

  @JsonPropertyDescription("Ready, MetricsAvailable, TargetResolved, Stable and ScalingLimited.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The last decision and its reason.")
  private ScalingDecision lastDecision;

  @JsonPropertyDescription("Recent replica recommendations, kept so that an operator restart does not reset the "
      + "stabilization windows. Oldest first.")
  private List<Recommendation> recommendations = new ArrayList<>();

  @JsonPropertyDescription("The metric names found in Prometheus for each signal (vLLM renames metrics between "
      + "releases), e.g. kvCacheUsage=vllm:kv_cache_usage_perc.")
  private List<String> metricNames = new ArrayList<>();

  @JsonPropertyDescription("An engine setting that would widen the stable region, with the predicted gain. The "
      + "operator never changes the engine itself.")
  private EngineRecommendation engineRecommendation;

  @JsonPropertyDescription("The correction of the stable rate for preemptions (KV-cache thrashing) observed at the current load.")
  private PreemptionCorrection preemption;

  @JsonPropertyDescription("With an SLO: the TTFT percentile measured, predicted and the approximation's calibration.")
  private TtftStatus ttft;

  @JsonPropertyDescription("The replicas' start-up time the decisions use: measured from the target after a scale-up, "
      + "else spec.behavior.replicaStartupTime.")
  private StartupStatus startup;

  @JsonPropertyDescription("What the target reports against the replicas it is asked for, once every pod it has is ready: a "
      + "Deployment's ReplicaFailure condition (e.g. a ResourceQuota refused its pods) or ProgressDeadlineExceeded, "
      + "as reason: message. Absent when it reports neither.")
  private String targetRefusal;

  @JsonPropertyDescription("With spec.variants: the mix the last decision asked for, e.g. h100=2,a100=1 (in Recommend "
      + "mode: would have asked for).")
  private String mix;

  @JsonPropertyDescription("With spec.variants: what the mix in status.mix costs per hour, in the currency of the variants' costPerHour.")
  private Double costPerHour;

  @JsonPropertyDescription("With spec.variants: each variant's replicas, stable rate, cost and utilization.")
  private List<VariantStatus> variants;

  public String getTargetRefusal() {
    return targetRefusal;
  }

  public void setTargetRefusal(String targetRefusal) {
    this.targetRefusal = targetRefusal;
  }

  public String getMix() {
    return mix;
  }

  public void setMix(String mix) {
    this.mix = mix;
  }

  public Double getCostPerHour() {
    return costPerHour;
  }

  public void setCostPerHour(Double costPerHour) {
    this.costPerHour = costPerHour;
  }

  public List<VariantStatus> getVariants() {
    return variants;
  }

  public void setVariants(List<VariantStatus> variants) {
    this.variants = variants;
  }

  public TtftStatus getTtft() {
    return ttft;
  }

  public void setTtft(TtftStatus ttft) {
    this.ttft = ttft;
  }

  public StartupStatus getStartup() {
    return startup;
  }

  public void setStartup(StartupStatus startup) {
    this.startup = startup;
  }

  public Optional<Condition> condition(String type) {
    return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of {@code type} is present with status True. */
  public boolean isTrue(String type) {
    return condition(type).map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false);
  }

  public String getScaleUpSettlingSince() {
    return scaleUpSettlingSince;
  }

  public void setScaleUpSettlingSince(String scaleUpSettlingSince) {
    this.scaleUpSettlingSince = scaleUpSettlingSince;
  }

  public String getLastScaleUpTime() {
    return lastScaleUpTime;
  }

  public void setLastScaleUpTime(String lastScaleUpTime) {
    this.lastScaleUpTime = lastScaleUpTime;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getDesiredReplicas() {
    return desiredReplicas;
  }

  public void setDesiredReplicas(Integer desiredReplicas) {
    this.desiredReplicas = desiredReplicas;
  }

  public ScaleToZeroStatus getScaleToZero() {
    return scaleToZero;
  }

  public void setScaleToZero(ScaleToZeroStatus scaleToZero) {
    this.scaleToZero = scaleToZero;
  }

  public String getLastScaleTime() {
    return lastScaleTime;
  }

  public void setLastScaleTime(String lastScaleTime) {
    this.lastScaleTime = lastScaleTime;
  }

  public ObservedWorkload getWorkload() {
    return workload;
  }

  public void setWorkload(ObservedWorkload workload) {
    this.workload = workload;
  }

  public CapacityStatus getCapacity() {
    return capacity;
  }

  public void setCapacity(CapacityStatus capacity) {
    this.capacity = capacity;
  }

  public Double getUtilization() {
    return utilization;
  }

  public void setUtilization(Double utilization) {
    this.utilization = utilization;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ScalingDecision getLastDecision() {
    return lastDecision;
  }

  public void setLastDecision(ScalingDecision lastDecision) {
    this.lastDecision = lastDecision;
  }

  public List<Recommendation> getRecommendations() {
    return recommendations;
  }

  public void setRecommendations(List<Recommendation> recommendations) {
    this.recommendations = recommendations;
  }

  public List<String> getMetricNames() {
    return metricNames;
  }

  public void setMetricNames(List<String> metricNames) {
    this.metricNames = metricNames;
  }

  public EngineRecommendation getEngineRecommendation() {
    return engineRecommendation;
  }

  public void setEngineRecommendation(EngineRecommendation engineRecommendation) {
    this.engineRecommendation = engineRecommendation;
  }

  public PreemptionCorrection getPreemption() {
    return preemption;
  }

  public void setPreemption(PreemptionCorrection preemption) {
    this.preemption = preemption;
  }
}
