package io.stableserve.estimate;

import io.stableserve.observe.KvCacheCapacity;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.observe.WindowHistogram;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything the solve and decide stages need to know about one service, estimated from one
 * window of its metrics. Rates are for the whole service (all replicas); per-replica figures say so.
 *
 * @param at the end of the window (the evaluation time)
 * @param window the estimation window
 * @param arrivals λ̂ (arrivals, not completions) with its standard error and burstiness
 * @param workload the token statistics; empty when no request completed in the window (then λ̂ is
 *     still meaningful but no capacity can be solved from this window alone)
 * @param kvCache M per replica, when {@code vllm:cache_config_info} exports it
 * @param stepTime the observed step time and its model, when the engine exports step counts or
 *     inter-token latency and steps happened in the window
 * @param preemptionsPerSecond preemptions per second over all replicas (above 0: the KV cache is
 *     oversubscribed now and the measured capacity is below the model's)
 * @param kvCacheUsage KV-cache usage fraction at the end of the window, averaged over replicas
 * @param running requests running at the end of the window, summed over replicas
 * @param waiting requests waiting at the end of the window, summed over replicas
 * @param leastWaiting the fewest requests waiting on any one replica then; empty when unknown
 * @param replicas engines seen in the metrics (series of {@code vllm:num_requests_running})
 * @param metricNames which vLLM metric names were found (V0 or V1) and which signals are missing
 * @param notes what was assumed or could not be estimated, in words
 */
public record ServiceEstimate(
    Instant at,
    Duration window,
    ArrivalEstimate arrivals,
    Optional<WorkloadEstimate> workload,
    Optional<KvCacheCapacity> kvCache,
    Optional<StepTimeEstimate> stepTime,
    OptionalDouble preemptionsPerSecond,
    OptionalDouble kvCacheUsage,
    double running,
    double waiting,
    OptionalDouble leastWaiting,
    int replicas,
    VllmMetricNames metricNames,
    List<String> notes,
    OptionalDouble gatewayQueue,
    Optional<WindowHistogram> ttft,
    OptionalDouble ttftPercentileOverride) {

  public ServiceEstimate {
    if (at == null || window == null || arrivals == null || metricNames == null) {
      throw new IllegalArgumentException("a service estimate needs its time, window, arrivals and metric names");
    }
    workload = workload == null ? Optional.empty() : workload;
    kvCache = kvCache == null ? Optional.empty() : kvCache;
    stepTime = stepTime == null ? Optional.empty() : stepTime;
    preemptionsPerSecond = preemptionsPerSecond == null ? OptionalDouble.empty() : preemptionsPerSecond;
    kvCacheUsage = kvCacheUsage == null ? OptionalDouble.empty() : kvCacheUsage;
    leastWaiting = leastWaiting == null ? OptionalDouble.empty() : leastWaiting;
    gatewayQueue = gatewayQueue == null ? OptionalDouble.empty() : gatewayQueue;
    ttft = ttft == null ? Optional.empty() : ttft;
    ttftPercentileOverride = ttftPercentileOverride == null ? OptionalDouble.empty() : ttftPercentileOverride;
    if (!(running >= 0) || !(waiting >= 0) || Double.isInfinite(running) || Double.isInfinite(waiting)) {
      throw new IllegalArgumentException("running and waiting must be finite counts >= 0, got " + running + " and " + waiting);
    }
    notes = notes == null ? List.of() : List.copyOf(notes);
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas seen must be >= 0, got " + replicas);
    }
  }

  /** Requests waiting now: in the replicas' queues and, when a gateway's metrics are read, in front of them. */
  public double queued() {
    return waiting + gatewayQueue.orElse(0);
  }

  /** Whether every replica had requests waiting at the end of the window (false when unknown). */
  public boolean everyReplicaQueued() {
    return leastWaiting.isPresent() && leastWaiting.getAsDouble() > 0;
  }

  /** λ̂, req/s over the whole service. */
  public double arrivalRate() {
    return arrivals.ratePerSecond();
  }

  /** Completions per second over the whole service. */
  public double completionRate() {
    return arrivals.completionsPerSecond();
  }

  /** Whether the cache preempted requests in the window. */
  public boolean preempting() {
    return preemptionsPerSecond.isPresent() && preemptionsPerSecond.getAsDouble() > 0;
  }
}
