package io.stableserve.decide;

/**
 * What the SLO sizing and the drain term read beside the arrival rate and the capacity.
 *
 * @param queued requests waiting now: in the replicas' queues and, where a gateway's metrics are
 *     read, held in front of them
 * @param arrivalScv the arrivals' burstiness c_a² (the index of dispersion of their counts; 1 for Poisson)
 * @param serviceScv the squared coefficient of variation of one request's service, c_s²
 * @param prefillSeconds the time a request's prefill takes once it has a place in the batch
 * @param burstFactor the calibration factor k of the TTFT approximation, learned from vLLM's TTFT
 *     histogram (1 when none)
 * @param gateway whether requests wait at a gateway whose queue is read, from where any replica,
 *     a new one too, takes them; without one a request waits in the replica it was routed to
 * @param everyReplicaQueued whether every replica had requests waiting (false when unknown)
 */
public record Queueing(double queued, double arrivalScv, double serviceScv, double prefillSeconds, double burstFactor,
    boolean gateway, boolean everyReplicaQueued) {

  private static final Queueing NONE = new Queueing(0, 1, 1, 0, 1);

  /** Requests that wait in the replicas they were routed to: no gateway. */
  public Queueing(double queued, double arrivalScv, double serviceScv, double prefillSeconds, double burstFactor) {
    this(queued, arrivalScv, serviceScv, prefillSeconds, burstFactor, false, false);
  }

  public Queueing {
    for (double v : new double[] {queued, arrivalScv, serviceScv, prefillSeconds}) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("queued requests, c_a², c_s² and the prefill time must be finite and >= 0, got "
            + queued + ", " + arrivalScv + ", " + serviceScv + ", " + prefillSeconds);
      }
    }
    if (!(burstFactor > 0) || Double.isInfinite(burstFactor)) {
      throw new IllegalArgumentException("the calibration factor must be a finite number > 0, got " + burstFactor);
    }
  }

  /** Nothing queued, Poisson arrivals, exponential service, no prefill, no calibration. */
  public static Queueing none() {
    return NONE;
  }
}
