package io.stableserve.solve;

/**
 * The time to first token of n replicas under a load, by a queueing approximation: each replica is
 * one server of rate μ (its stable rate, the most it completes per second), so n replicas at
 * arrival rate λ form a G/G/n queue. A request's TTFT is its wait for a place in the batch plus its
 * prefill:
 *
 * <pre>
 *   P(wait &gt; 0)  = W = C + (ρ − C)⁺ · (1 − 1/c_a²)⁺     C = C(n, λ/μ), Erlang's C formula (M/M/n); ρ = λ/(nμ)
 *   P(wait &gt; t)  ≈ W · exp(−(nμ − λ)·t / ((c_a² + c_s²)/2))
 *   TTFT_p       ≈ prefill + k · ln(W / (1 − p)) · ((c_a² + c_s²)/2) / (nμ − λ)    when W &gt; 1 − p, else prefill
 * </pre>
 *
 * The exponential tail of M/M/n's wait, scaled by the Allen–Cunneen factor (c_a² + c_s²)/2, which
 * is exact for M/M/n and the heavy-traffic (Kingman) limit for G/G/n. c_a² is the arrivals'
 * burstiness (the index of dispersion of their counts; 1 for Poisson), c_s² the service times'
 * squared coefficient of variation. Erlang's C is the chance of waiting for Poisson arrivals; a
 * request that arrives in a burst waits behind the burst whenever the servers are busy, so as c_a²
 * grows the chance of waiting moves from C towards the servers' utilisation ρ. k is a calibration
 * factor learned online from vLLM's own TTFT histogram (1 when none). docs/validation.md measures
 * the approximation against the simulator.
 */
public final class TtftApproximation {

  private TtftApproximation() {}

  /**
   * Erlang's C: the probability that an arrival waits, for n servers at offered load a = λ/μ &lt; n;
   * 1 at or above n. Computed with the stable recursion on Erlang's B.
   */
  public static double erlangC(int n, double offered) {
    if (n < 1) {
      throw new IllegalArgumentException("servers must be at least 1, got " + n);
    }
    if (!(offered >= 0) || Double.isInfinite(offered)) {
      throw new IllegalArgumentException("offered load must be a finite number >= 0, got " + offered);
    }
    if (offered == 0) {
      return 0;
    }
    if (offered >= n) {
      return 1;
    }
    double b = 1;
    for (int k = 1; k <= n; k++) {
      b = offered * b / (k + offered * b);
    }
    double rho = offered / n;
    return b / (1 - rho + rho * b);
  }

  /**
   * The p-quantile of the wait for a place in the batch, seconds; +∞ when λ ≥ nμ.
   *
   * @param arrivalScv c_a², at least 0
   * @param serviceScv c_s², at least 0
   * @param factor k, the calibration factor, positive
   */
  public static double waitQuantile(int n, double lambda, double mu, double percentile, double arrivalScv, double serviceScv,
      double factor) {
    check(lambda, mu, percentile, arrivalScv, serviceScv, factor);
    double spare = n * mu - lambda;
    if (!(spare > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double c = waitProbability(n, lambda, mu, arrivalScv);
    double tail = 1 - percentile;
    if (c <= tail) {
      return 0;
    }
    return factor * Math.log(c / tail) * ((arrivalScv + serviceScv) / 2) / spare;
  }

  /** W: Erlang's C for Poisson arrivals, moving towards ρ as the arrivals grow burstier. */
  public static double waitProbability(int n, double lambda, double mu, double arrivalScv) {
    double c = erlangC(n, lambda / mu);
    double rho = Math.min(1, lambda / (n * mu));
    double bursty = arrivalScv > 1 ? 1 - 1 / arrivalScv : 0;
    return c + Math.max(0, rho - c) * bursty;
  }

  /** TTFT's p-quantile: the prefill plus the wait quantile, seconds. */
  public static double ttftQuantile(int n, double lambda, double mu, double percentile, double arrivalScv, double serviceScv,
      double factor, double prefillSeconds) {
    if (!(prefillSeconds >= 0) || Double.isInfinite(prefillSeconds)) {
      throw new IllegalArgumentException("prefill time must be a finite number of seconds >= 0, got " + prefillSeconds);
    }
    return prefillSeconds + waitQuantile(n, lambda, mu, percentile, arrivalScv, serviceScv, factor);
  }

  /**
   * TTFT's p-quantile over a mix of replicas of different stable rates: {@code counts[v]} replicas
   * of rate {@code rates[v]}, seconds; +∞ when λ reaches the mix's capacity Σ n_v·μ_v or the mix is
   * empty.
   *
   * <p>The mix is read as N = Σ n_v servers of the capacity-weighted mean rate μ̄ = Σ n_v·μ_v / N,
   * so that the capacity N·μ̄, the utilisation λ/(N·μ̄) and the spare capacity N·μ̄ − λ are the
   * mix's own. Why that and not another reading: the wait tail's decay rate (the spare capacity
   * over (c_a² + c_s²)/2) is the heavy-traffic limit of G/G/n, which depends on the servers only
   * through their total rate, so it holds for servers of different rates as for equal ones; and
   * least-outstanding routing loads every replica to the same utilisation (each takes a share of
   * the arrivals in proportion to its rate, measured in the simulator: docs/variants.md), which is
   * what Erlang's C assumes of equal servers. What is approximate is the chance of waiting: a
   * pool of slower and faster servers is not N equal ones. With one variant it is exactly
   * {@link #ttftQuantile}, and it falls (never rises) as any replica is added, which the mix solver
   * relies on to stop its search.
   */
  public static double mixTtftQuantile(int[] counts, double[] rates, double lambda, double percentile, double arrivalScv,
      double serviceScv, double factor, double prefillSeconds) {
    if (counts.length != rates.length) {
      throw new IllegalArgumentException("one count per rate: " + counts.length + " counts, " + rates.length + " rates");
    }
    int servers = 0;
    double capacity = 0;
    for (int v = 0; v < counts.length; v++) {
      if (counts[v] < 0) {
        throw new IllegalArgumentException("replica counts must be >= 0, got " + counts[v]);
      }
      servers += counts[v];
      capacity += counts[v] * rates[v];
    }
    if (servers == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return ttftQuantile(servers, lambda, capacity / servers, percentile, arrivalScv, serviceScv, factor, prefillSeconds);
  }

  /**
   * The fewest replicas, from {@code from} up to {@code most}, whose TTFT p-quantile is at most
   * {@code targetSeconds}; {@code most + 1} when none up to {@code most} does.
   */
  public static int replicasFor(double targetSeconds, double lambda, double mu, double percentile, double arrivalScv,
      double serviceScv, double factor, double prefillSeconds, int from, int most) {
    for (int n = Math.max(1, from); n <= most; n++) {
      if (ttftQuantile(n, lambda, mu, percentile, arrivalScv, serviceScv, factor, prefillSeconds) <= targetSeconds) {
        return n;
      }
    }
    return most + 1;
  }

  private static void check(double lambda, double mu, double percentile, double arrivalScv, double serviceScv, double factor) {
    if (!(lambda >= 0) || Double.isInfinite(lambda) || !(mu > 0) || Double.isInfinite(mu)) {
      throw new IllegalArgumentException("λ must be >= 0 and μ > 0, both finite, got " + lambda + " and " + mu);
    }
    if (!(percentile > 0 && percentile < 1)) {
      throw new IllegalArgumentException("percentile must be strictly between 0 and 1, got " + percentile);
    }
    if (!(arrivalScv >= 0) || !(serviceScv >= 0) || Double.isInfinite(arrivalScv) || Double.isInfinite(serviceScv)) {
      throw new IllegalArgumentException("squared coefficients of variation must be finite and >= 0, got " + arrivalScv + ", " + serviceScv);
    }
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("calibration factor must be a finite number > 0, got " + factor);
    }
  }
}
