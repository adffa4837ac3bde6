package io.stableserve.estimate;

/**
 * What the service's counters say about the work it did over the estimation window, summed over
 * its replicas.
 *
 * @param completionRate requests finished per second ({@code rate(vllm:request_success_total)})
 * @param preemptionRate preemptions per second ({@code rate(vllm:num_preemptions_total)})
 * @param waitingRequests requests waiting at the end of the window ({@code vllm:num_requests_waiting})
 * @param waitingGrowthRate d/dt of the waiting requests over the window, per second
 * @param readyReplicas the replicas ready now
 * @param replicasSteady whether the replica count stayed the same over the whole window (no scaling
 *     in it), so that completions over the window divided by {@code readyReplicas} is a per-replica rate
 * @param everyReplicaQueued whether every replica had requests waiting at the end of the window: each
 *     replica has its own queue, so a growing sum may be one swamped replica beside idle ones
 */
public record ThroughputSignals(
    double completionRate,
    double preemptionRate,
    double waitingRequests,
    double waitingGrowthRate,
    int readyReplicas,
    boolean replicasSteady,
    boolean everyReplicaQueued) {

  public ThroughputSignals {
    nonNegative("completion rate", completionRate);
    nonNegative("preemption rate", preemptionRate);
    nonNegative("waiting requests", waitingRequests);
    if (Double.isNaN(waitingGrowthRate) || Double.isInfinite(waitingGrowthRate)) {
      throw new IllegalArgumentException("growth rate of the waiting queue must be finite, got " + waitingGrowthRate);
    }
    if (readyReplicas < 0) {
      throw new IllegalArgumentException("ready replicas must be >= 0, got " + readyReplicas);
    }
  }

  /** The queue is there and growing: the replicas run flat out, so what they complete is what they can. */
  public boolean saturated() {
    return waitingRequests > 0 && waitingGrowthRate > 0;
  }

  /**
   * Saturated, and on every replica: only then are the completions per ready replica the capacity of
   * one. With one replica the sum is its own queue.
   */
  public boolean everyReplicaSaturated() {
    return saturated() && (readyReplicas <= 1 || everyReplicaQueued);
  }

  private static void nonNegative(String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + v);
    }
  }
}
