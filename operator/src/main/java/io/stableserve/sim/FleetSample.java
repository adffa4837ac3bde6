package io.stableserve.sim;

/**
 * The fleet at one instant.
 *
 * @param starting replicas loading, not yet serving
 * @param ready replicas serving
 * @param draining replicas removed but finishing their requests
 * @param running requests in running batches, over serving and draining replicas
 * @param waiting requests in the engines' waiting queues
 * @param atRouter requests held at the router: because no replica was ready, or at the gateway's
 *     queue while every ready replica had its limit of waiting requests ({@link FleetSpec#gatewayWaitingLimit()})
 * @param meanKvCacheUsage mean KV-cache usage over serving replicas
 */
public record FleetSample(double time, int starting, int ready, int draining, int running, int waiting,
    int atRouter, double meanKvCacheUsage, long arrivals, long completed, long preemptions, double gpuSeconds) {

  /** Requests in the system: running, waiting in engines, and held at the router. */
  public int inSystem() {
    return running + waiting + atRouter;
  }

  /** Replicas a Deployment would count: starting plus ready. */
  public int replicas() {
    return starting + ready;
  }
}
