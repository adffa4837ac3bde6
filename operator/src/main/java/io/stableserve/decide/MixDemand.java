package io.stableserve.decide;

import io.stableserve.solve.Provisioning;
import io.stableserve.solve.TtftApproximation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a mix of variants must hold: the arrival rate λ̂ at the target utilisation ρ (Σ n_v·μ_v ≥
 * λ̂/ρ), at least one replica, and, where the service has one, the TTFT SLO by
 * {@link TtftApproximation#mixTtftQuantile} over the mix, with the service's burstiness, service
 * variability, calibration and prefill time ({@link Queueing}; the queued requests are not read
 * here). Both terms only grow easier as a replica is added, which the solver relies on.
 */
public record MixDemand(double arrivalRate, double targetUtilization, Optional<TtftSlo> slo, Queueing queueing) {

  private static final double CAPACITY_SLACK = 1e-12;

  public MixDemand {
    if (!(arrivalRate >= 0) || Double.isInfinite(arrivalRate)) {
      throw new IllegalArgumentException("arrival rate must be a finite number >= 0, got " + arrivalRate);
    }
    Provisioning.checkTargetUtilization(targetUtilization);
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(queueing, "queueing");
  }

  /** Without an SLO. */
  public MixDemand(double arrivalRate, double targetUtilization) {
    this(arrivalRate, targetUtilization, Optional.empty(), Queueing.none());
  }

  /** λ̂/ρ, requests per second. */
  public double neededCapacity() {
    return arrivalRate / targetUtilization;
  }

  /** Whether {@code capacity} (req/s) covers λ̂/ρ. */
  public boolean enough(double capacity) {
    // The slack keeps floating-point noise (3 × μ computed as a hair under λ/ρ) from asking for one more.
    return capacity >= neededCapacity() * (1 - CAPACITY_SLACK);
  }

  /** Whether {@code counts} (one per variant) holds this demand. */
  public boolean heldBy(List<Variant> variants, int[] counts) {
    int replicas = 0;
    double capacity = 0;
    for (int v = 0; v < counts.length; v++) {
      replicas += counts[v];
      capacity += counts[v] * variants.get(v).stableRate();
    }
    if (replicas == 0 || !enough(capacity)) {
      return false;
    }
    return slo.isEmpty() || ttft(variants, counts) <= slo.get().targetSeconds();
  }

  public boolean heldBy(List<Variant> variants, Mix mix) {
    return heldBy(variants, mix.toArray());
  }

  /** The predicted TTFT percentile of the SLO over {@code counts}, seconds; NaN without an SLO. */
  public double ttft(List<Variant> variants, int[] counts) {
    if (slo.isEmpty()) {
      return Double.NaN;
    }
    double[] rates = variants.stream().mapToDouble(Variant::stableRate).toArray();
    return TtftApproximation.mixTtftQuantile(counts, rates, arrivalRate, slo.get().percentile(), queueing.arrivalScv(),
        queueing.serviceScv(), queueing.burstFactor(), queueing.prefillSeconds());
  }
}
