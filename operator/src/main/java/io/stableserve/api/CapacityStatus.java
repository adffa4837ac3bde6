package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.stableserve.solve.Capacity;
import java.util.ArrayList;
import java.util.List;

/** What one replica can serve, and the engine values it was solved with. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CapacityStatus {

  @JsonPropertyDescription("The stability model used: Iterative, Paper or Scheduler.")
  private StabilityModelName model;

  @JsonPropertyDescription("Stable rate mu of one replica in requests per second: the smallest constraint rate, "
      + "after any preemption correction. Replicas n = ceil(lambda / (rho * mu)).")
  private Double stableRatePerReplica;

  @JsonPropertyDescription("Arrival rate per replica at or above which the queue grows without bound, in requests per second.")
  private Double instabilityBoundPerReplica;

  @JsonPropertyDescription("The resource that binds: Memory, Compute, TokenBudget or SequenceCap. Memory also when "
      + "the KV cache thrashes (the Preemption constraint binds): preemption is the cache running out.")
  private String bottleneck;

  @JsonPropertyDescription("Each constraint's stable rate per replica.")
  private List<ConstraintStatus> constraints = new ArrayList<>();

  @JsonPropertyDescription("KV-cache capacity M of one replica in tokens.")
  private Long kvCacheTokens;

  @JsonPropertyDescription("Where kvCacheTokens came from: Given, Observed or Default.")
  private ValueSource kvCacheTokensSource;

  @JsonPropertyDescription("Prefill chunk in tokens.")
  private Integer chunkTokens;

  @JsonPropertyDescription("Where chunkTokens came from.")
  private ValueSource chunkTokensSource;

  @JsonPropertyDescription("max_num_seqs taken into account, if any.")
  private Integer maxNumSeqs;

  @JsonPropertyDescription("Where maxNumSeqs came from.")
  private ValueSource maxNumSeqsSource;

  @JsonPropertyDescription("max_num_batched_tokens taken into account, if any.")
  private Integer maxBatchedTokens;

  @JsonPropertyDescription("Where maxBatchedTokens came from.")
  private ValueSource maxBatchedTokensSource;

  @JsonPropertyDescription("Step-time coefficients used and where they came from.")
  private StepTimeStatus stepTime;

  @JsonPropertyDescription("Mean step time in seconds when a replica serves at its stable rate.")
  private Double stepSecondsAtCapacity;

  /**
   * The solver's figures of a capacity: model, stable rate, instability bound, bottleneck,
   * constraints and step time at capacity. Engine values and their sources are set separately.
   */
  public static CapacityStatus of(Capacity capacity) {
    CapacityStatus status = new CapacityStatus();
    status.model = StabilityModelName.of(capacity.model());
    status.stableRatePerReplica = capacity.stableRate();
    status.instabilityBoundPerReplica = capacity.instabilityBound();
    status.bottleneck = ConstraintStatus.resourceOf(capacity.bottleneck());
    status.constraints = new ArrayList<>(capacity.constraints().stream().map(ConstraintStatus::of).toList());
    status.stepSecondsAtCapacity = capacity.stepSecondsAtCapacity();
    return status;
  }

  public StabilityModelName getModel() {
    return model;
  }

  public void setModel(StabilityModelName model) {
    this.model = model;
  }

  public Double getStableRatePerReplica() {
    return stableRatePerReplica;
  }

  public void setStableRatePerReplica(Double stableRatePerReplica) {
    this.stableRatePerReplica = stableRatePerReplica;
  }

  public Double getInstabilityBoundPerReplica() {
    return instabilityBoundPerReplica;
  }

  public void setInstabilityBoundPerReplica(Double instabilityBoundPerReplica) {
    this.instabilityBoundPerReplica = instabilityBoundPerReplica;
  }

  public String getBottleneck() {
    return bottleneck;
  }

  public void setBottleneck(String bottleneck) {
    this.bottleneck = bottleneck;
  }

  public List<ConstraintStatus> getConstraints() {
    return constraints;
  }

  public void setConstraints(List<ConstraintStatus> constraints) {
    this.constraints = constraints;
  }

  public Long getKvCacheTokens() {
    return kvCacheTokens;
  }

  public void setKvCacheTokens(Long kvCacheTokens) {
    this.kvCacheTokens = kvCacheTokens;
  }

  public ValueSource getKvCacheTokensSource() {
    return kvCacheTokensSource;
  }

  public void setKvCacheTokensSource(ValueSource kvCacheTokensSource) {
    this.kvCacheTokensSource = kvCacheTokensSource;
  }

  public Integer getChunkTokens() {
    return chunkTokens;
  }

  public void setChunkTokens(Integer chunkTokens) {
    this.chunkTokens = chunkTokens;
  }

  public ValueSource getChunkTokensSource() {
    return chunkTokensSource;
  }

  public void setChunkTokensSource(ValueSource chunkTokensSource) {
    this.chunkTokensSource = chunkTokensSource;
  }

  public Integer getMaxNumSeqs() {
    return maxNumSeqs;
  }

  public void setMaxNumSeqs(Integer maxNumSeqs) {
    this.maxNumSeqs = maxNumSeqs;
  }

  public ValueSource getMaxNumSeqsSource() {
    return maxNumSeqsSource;
  }

  public void setMaxNumSeqsSource(ValueSource maxNumSeqsSource) {
    this.maxNumSeqsSource = maxNumSeqsSource;
  }

  public Integer getMaxBatchedTokens() {
    return maxBatchedTokens;
  }

  public void setMaxBatchedTokens(Integer maxBatchedTokens) {
    this.maxBatchedTokens = maxBatchedTokens;
  }

  public ValueSource getMaxBatchedTokensSource() {
    return maxBatchedTokensSource;
  }

  public void setMaxBatchedTokensSource(ValueSource maxBatchedTokensSource) {
    this.maxBatchedTokensSource = maxBatchedTokensSource;
  }

  public StepTimeStatus getStepTime() {
    return stepTime;
  }

  public void setStepTime(StepTimeStatus stepTime) {
    this.stepTime = stepTime;
  }

  public Double getStepSecondsAtCapacity() {
    return stepSecondsAtCapacity;
  }

  public void setStepSecondsAtCapacity(Double stepSecondsAtCapacity) {
    this.stepSecondsAtCapacity = stepSecondsAtCapacity;
  }
}
