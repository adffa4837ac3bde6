package io.stableserve.solve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Erlang C, the wait quantile's closed forms, and the replica search of the TTFT approximation. */
class TtftApproximationTest {

  @Test
  void erlangCOfOneServerIsTheOfferedLoad() {
    for (double a : new double[] {0.01, 0.3, 0.5, 0.9, 0.999}) {
      assertThat(TtftApproximation.erlangC(1, a)).isCloseTo(a, within(1e-12));
    }
  }

  @Test
  void erlangCMatchesHandWorkedAndTableValues() {
    // C(n, a) = (aⁿ/n! · n/(n − a)) / (Σₖ₌₀ⁿ⁻¹ aᵏ/k! + aⁿ/n! · n/(n − a))
    assertThat(TtftApproximation.erlangC(2, 1)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(TtftApproximation.erlangC(3, 2)).isCloseTo(4.0 / 9, within(1e-12));
    assertThat(TtftApproximation.erlangC(5, 4)).isCloseTo(128.0 / 231, within(1e-12));
    // The classic Erlang C table entry: 10 agents, 8 erlangs, P(wait) = 0.4092.
    assertThat(TtftApproximation.erlangC(10, 8)).isCloseTo(0.40918, within(1e-5));
    // Large n: the recursion on Erlang's B stays stable (no factorials).
    assertThat(TtftApproximation.erlangC(100, 90)).isCloseTo(0.21694, within(1e-5));
  }

  @Test
  void erlangCIsZeroWithoutLoadAndOneAtOrAboveTheServers() {
    assertThat(TtftApproximation.erlangC(4, 0)).isZero();
    assertThat(TtftApproximation.erlangC(4, 4)).isEqualTo(1);
    assertThat(TtftApproximation.erlangC(4, 7.5)).isEqualTo(1);
    assertThatThrownBy(() -> TtftApproximation.erlangC(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtftApproximation.erlangC(2, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtftApproximation.erlangC(2, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theWaitQuantileOfMm1IsExact() {
    // M/M/1 FCFS: P(W > t) = ρ·exp(−(μ − λ)·t), so the p-quantile is ln(ρ / (1 − p)) / (μ − λ) when ρ > 1 − p.
    double mu = 4;
    for (double rho : new double[] {0.5, 0.8, 0.95}) {
      double lambda = rho * mu;
      for (double p : new double[] {0.9, 0.99}) {
        double exact = Math.log(rho / (1 - p)) / (mu - lambda);
        assertThat(TtftApproximation.waitQuantile(1, lambda, mu, p, 1, 1, 1)).isCloseTo(exact, within(1e-12));
      }
    }
    // ρ = 0.05 ≤ 1 − 0.9: nine in ten requests do not wait at all.
    assertThat(TtftApproximation.waitQuantile(1, 0.2, mu, 0.9, 1, 1, 1)).isZero();
  }

  @Test
  void theWaitQuantileOfMmnIsExactAndScalesWithTheAllenCunneenFactorAndK() {
    // M/M/n: P(W > t) = C·exp(−(nμ − λ)·t).
    int n = 4;
    double mu = 2;
    double lambda = 7;
    double c = TtftApproximation.erlangC(n, lambda / mu);
    double exact = Math.log(c / 0.01) / (n * mu - lambda);
    assertThat(TtftApproximation.waitQuantile(n, lambda, mu, 0.99, 1, 1, 1)).isCloseTo(exact, within(1e-12));
    // (c_a² + c_s²)/2 = 3 and k = 1.5 multiply the wait by 4.5; the prefill adds. (Poisson arrivals, c_a² = 1, so
    // that the chance of waiting is Erlang's C whatever the approximation does with bursty arrivals.)
    assertThat(TtftApproximation.waitQuantile(n, lambda, mu, 0.99, 1, 5, 1.5)).isCloseTo(4.5 * exact, within(1e-12));
    assertThat(TtftApproximation.ttftQuantile(n, lambda, mu, 0.99, 1, 1, 1, 0.25)).isCloseTo(0.25 + exact, within(1e-12));
  }

  @Test
  void theTtftQuantileFallsAsReplicasAreAdded() {
    double mu = 3;
    double lambda = 10;
    double previous = Double.POSITIVE_INFINITY;
    for (int n = 1; n <= 12; n++) {
      double t = TtftApproximation.ttftQuantile(n, lambda, mu, 0.99, 1, 2, 1, 0.1);
      assertThat(t).isLessThanOrEqualTo(previous);
      assertThat(t).isGreaterThanOrEqualTo(0.1);
      previous = t;
    }
    // Far above the load nobody waits: the TTFT is the prefill.
    assertThat(previous).isEqualTo(0.1);
  }

  @Test
  void theWaitIsInfiniteAtOrAboveCapacity() {
    assertThat(TtftApproximation.waitQuantile(3, 6, 2, 0.9, 1, 1, 1)).isInfinite();
    assertThat(TtftApproximation.waitQuantile(3, 6.5, 2, 0.9, 1, 1, 1)).isInfinite();
    assertThat(TtftApproximation.ttftQuantile(1, 2, 2, 0.5, 1, 1, 1, 0.1)).isInfinite();
    assertThat(TtftApproximation.waitQuantile(3, 5.999, 2, 0.9, 1, 1, 1)).isFinite();
  }

  @Test
  void replicasForReturnsTheSmallestCountThatMeetsTheTarget() {
    double lambda = 20;
    double mu = 3;
    double prefill = 0.2;
    for (double target : new double[] {0.21, 0.5, 1, 3}) {
      int n = TtftApproximation.replicasFor(target, lambda, mu, 0.95, 1.5, 1, 1, prefill, 1, 100);
      assertThat(n).isBetween(7, 100);
      assertThat(TtftApproximation.ttftQuantile(n, lambda, mu, 0.95, 1.5, 1, 1, prefill)).isLessThanOrEqualTo(target);
      assertThat(TtftApproximation.ttftQuantile(n - 1, lambda, mu, 0.95, 1.5, 1, 1, prefill)).isGreaterThan(target);
    }
    // 7 replicas (capacity 21) are the fewest that are stable; a loose target takes exactly those.
    assertThat(TtftApproximation.replicasFor(1000, lambda, mu, 0.95, 1, 1, 1, prefill, 1, 100)).isEqualTo(7);
    // The search starts at from.
    assertThat(TtftApproximation.replicasFor(1000, lambda, mu, 0.95, 1, 1, 1, prefill, 9, 100)).isEqualTo(9);
    // Below the prefill no count will do: most + 1.
    assertThat(TtftApproximation.replicasFor(0.1, lambda, mu, 0.95, 1, 1, 1, prefill, 1, 50)).isEqualTo(51);
  }

  @Test
  void badInputsAreRefused() {
    assertThatThrownBy(() -> TtftApproximation.waitQuantile(1, 1, 2, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtftApproximation.waitQuantile(1, 1, 0, 0.9, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtftApproximation.waitQuantile(1, 1, 2, 0.9, -1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtftApproximation.waitQuantile(1, 1, 2, 0.9, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TtftApproximation.ttftQuantile(1, 1, 2, 0.9, 1, 1, 1, -0.1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overOneVariantTheMixQuantileIsTheReplicasQuantile() {
    for (int n = 1; n <= 6; n++) {
      for (double load : new double[] {0.3, 0.7, 0.95}) {
        double mu = 2.7;
        double lambda = load * n * mu;
        assertThat(TtftApproximation.mixTtftQuantile(new int[] {n, 0}, new double[] {mu, 9}, lambda, 0.99, 2, 1, 1.3, 0.1))
            .isCloseTo(TtftApproximation.ttftQuantile(n, lambda, mu, 0.99, 2, 1, 1.3, 0.1), within(1e-12));
      }
    }
  }

  @Test
  void overAMixTheQuantileFallsAsAnyReplicaIsAddedAndIsUnboundedAtCapacity() {
    double[] rates = {8, 3, 1.5};
    Random random = new Random(5);
    for (int trial = 0; trial < 2000; trial++) {
      int[] counts = {random.nextInt(4), random.nextInt(4), random.nextInt(4)};
      double lambda = 30 * random.nextDouble();
      double scv = 1 + 3 * random.nextDouble();
      double before = TtftApproximation.mixTtftQuantile(counts, rates, lambda, 0.9, scv, 1, 1, 0.05);
      int v = random.nextInt(3);
      counts[v]++;
      double after = TtftApproximation.mixTtftQuantile(counts, rates, lambda, 0.9, scv, 1, 1, 0.05);
      if (Double.isFinite(before)) {
        assertThat(after).as("%s after adding one of %d at λ %s", Arrays.toString(counts), v, lambda)
            .isLessThanOrEqualTo(before + 1e-12);
      }
    }
    assertThat(TtftApproximation.mixTtftQuantile(new int[] {1, 2}, new double[] {8, 3}, 14, 0.9, 1, 1, 1, 0)).isInfinite();
    assertThat(TtftApproximation.mixTtftQuantile(new int[] {0, 0}, new double[] {8, 3}, 1, 0.9, 1, 1, 1, 0)).isInfinite();
  }
}
