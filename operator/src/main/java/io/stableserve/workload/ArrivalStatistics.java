package io.stableserve.workload;

/**
 * Observed arrivals: the mean rate λ (requests per second), the squared coefficient of variation
 * of inter-arrival times (1 for Poisson; above 1 is bursty), and the span they were measured over.
 */
public record ArrivalStatistics(double ratePerSecond, double burstiness, double windowSeconds, long requests) {
  public ArrivalStatistics {
    if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("arrival rate must be a finite number >= 0, got " + ratePerSecond);
    }
    if (!(burstiness >= 0) || Double.isInfinite(burstiness)) {
      throw new IllegalArgumentException("burstiness (SCV) must be a finite number >= 0, got " + burstiness);
    }
  }
}
