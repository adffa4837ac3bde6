package io.stableserve.correct;

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
 * @param runningRequests requests running at the end of the window, summed over replicas
 * @param windowSeconds the window's length
 */
public record ThroughputSignals(
    double completionRate,
    double preemptionRate,
    double waitingRequests,
    double waitingGrowthRate,
    int readyReplicas,
    boolean replicasSteady,
    boolean everyReplicaQueued,
    double runningRequests,
    double windowSeconds) {

  /** Running sets the window must turn over for its completions to be the present throughput. */
  public static final double TURNOVERS = 2;

  public ThroughputSignals {
    nonNegative("completion rate", completionRate);
    nonNegative("preemption rate", preemptionRate);
    nonNegative("waiting requests", waitingRequests);
    if (Double.isNaN(waitingGrowthRate) || Double.isInfinite(waitingGrowthRate)) {
      throw new IllegalArgumentException("growth rate of the waiting queue must be finite, got " + waitingGrowthRate);
    }
    nonNegative("running requests", runningRequests);
    if (!(windowSeconds > 0) || Double.isInfinite(windowSeconds)) {
      throw new IllegalArgumentException("window must be a positive number of seconds, got " + windowSeconds);
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

  /** Mean time a request spends running, by Little's law: running / completion rate (+∞ without completions). */
  public double serviceSeconds() {
    return completionRate > 0 ? runningRequests / completionRate : Double.POSITIVE_INFINITY;
  }

  /**
   * Whether the window is at least {@link #TURNOVERS} times a request's time running: only then do
   * its completions come from requests admitted within it. A shorter window after a shift to longer
   * requests counts few completions while the cache fills with requests that have not finished yet:
   * a lull, not the capacity.
   */
  public boolean windowTurnsOver() {
    return windowSeconds >= TURNOVERS * serviceSeconds();
  }

  private static void nonNegative(String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + v);
    }
  }
}
