package io.stableserve.solve;

/**
 * Replicas for an arrival rate: n = ⌈λ / (ρ·μ)⌉, at least 1, and the utilisation λ / (n·μ) that
 * results.
 */
public record Provisioning(double arrivalRate, double targetUtilization, int replicas, double utilization) {

  /** Guards ⌈·⌉ against floating-point noise such as 3.0000000000000004. */
  private static final double CEILING_SLACK = 1e-9;

  public static Provisioning plan(Capacity capacity, double arrivalRate, double targetUtilization) {
    if (!(arrivalRate >= 0) || Double.isInfinite(arrivalRate)) {
      throw new IllegalArgumentException("arrival rate must be a finite number >= 0 req/s, got " + arrivalRate);
    }
    checkTargetUtilization(targetUtilization);
    double exact = arrivalRate / (targetUtilization * capacity.stableRate());
    double ceiling = Math.ceil(exact - CEILING_SLACK);
    if (ceiling > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("arrival rate " + arrivalRate + " needs more replicas than can be counted");
    }
    int replicas = Math.max(1, (int) ceiling);
    return new Provisioning(arrivalRate, targetUtilization, replicas, arrivalRate / (replicas * capacity.stableRate()));
  }

  public static void checkTargetUtilization(double rho) {
    if (!(rho > 0 && rho < 1)) {
      throw new IllegalArgumentException("target utilisation ρ must be strictly between 0 and 1, got " + rho);
    }
  }
}
