package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SLO bound: the scaled plan, asked for a start-up delay ahead, and the factor search. */
class SloBoundTest {

  private final ReplicaRange range = new ReplicaRange(1, 40);

  @Test
  void eachMinutesReplicasAreAskedForAStartUpDelayAheadAndKeptUntilItsEnd() {
    Oracle plan = Oracle.of(new int[] {2, 2, 6, 3, 3}, 60);
    SloBound b = SloBound.of(plan, 1.0, range, 120);
    // at 0 s the window [0, 120] touches minutes 0, 1 and 2: minute 2's 6 replicas are asked for now
    assertThat(b.desired(0)).isEqualTo(6);
    assertThat(b.initialReplicas()).isEqualTo(6);
    assertThat(b.desired(179)).as("minute 2 runs until 180 s").isEqualTo(6);
    assertThat(b.desired(180)).as("minutes 3 and 4 need 3").isEqualTo(3);
    // scaled by 1.5, rounded up: 3, 3, 9, 5, 5; without a start-up delay each minute asks for its own
    SloBound scaled = SloBound.of(plan, 1.5, range, 0);
    assertThat(scaled.schedule()).containsExactly(3, 3, 9, 5, 5);
    assertThat(scaled.desired(60)).isEqualTo(3);
    assertThat(scaled.desired(120)).isEqualTo(9);
    assertThat(SloBound.of(plan, 10, range, 0).schedule()).as("the replica cap").containsExactly(20, 20, 40, 30, 30);
  }

  @Test
  void theFactorsRunFromAHalfToWhereEvenTheQuietestMinuteReachesTheCap() {
    List<Double> factors = SloBound.factors(Oracle.of(new int[] {8, 4, 10}, 60), range);
    assertThat(factors.get(0)).isEqualTo(0.5);
    assertThat(factors.get(1)).isEqualTo(0.55);
    assertThat(factors.get(factors.size() - 1)).as("40 / 4").isEqualTo(10.0);
    assertThat(factors).hasSize(191);
    assertThat(SloBound.factors(Oracle.of(new int[] {3, 7}, 60), range)).as("40 / 3 = 13.33: up to 13.35").last().isEqualTo(13.35);
  }

  /** A stand-in for a fleet run: the share in time as a function of the factor. */
  private static RunResult run(double attainment, double factor) {
    return new RunResult(null, "stub", "", false, "tiny", factor, 100, attainment, 1, 0, 0, 0, 0, List.of());
  }

  @Test
  void theSearchFindsTheSmallestFactorThatServes99PercentInTime() {
    List<Double> factors = SloBound.factors(Oracle.of(new int[] {8}, 60), range);
    SloBound.Result r = SloBound.search(factors, f -> run(Math.min(1, f / 2), f), 0.5);
    // f / 2 ≥ 0.99 from f = 1.98: the grid's 2.00
    assertThat(r.factor()).isEqualTo(2.0);
    assertThat(r.basis()).isEqualTo(SloBound.Basis.SLO);
    assertThat(r.run().sloAttainment()).isGreaterThanOrEqualTo(0.99);
    assertThat(r.probes()).as("the top of the grid, then a bisection of 91 points").hasSizeLessThanOrEqualTo(8);
    assertThat(r.probes().get(1.95)).as("the grid point below misses").isLessThan(0.99);
    assertThat(r.setting()).isEqualTo("×2.00 (99% in time)");
  }

  @Test
  void whereNoFactorWithinTheCapServes99PercentTheBoundIsTheCheapestThatMatchesStableServe() {
    List<Double> factors = SloBound.factors(Oracle.of(new int[] {8}, 60), range);
    // at most 90% whatever the factor; StableServe served 60%: f / 4 ≥ 0.6 from 2.4
    SloBound.Result r = SloBound.search(factors, f -> run(Math.min(0.9, f / 4), f), 0.6);
    assertThat(r.basis()).isEqualTo(SloBound.Basis.STABLESERVE);
    assertThat(r.factor()).isEqualTo(2.4);
    // StableServe served 95%: no factor reaches it; the cap's factor, marked
    SloBound.Result cap = SloBound.search(factors, f -> run(Math.min(0.9, f / 4), f), 0.95);
    assertThat(cap.basis()).isEqualTo(SloBound.Basis.CAP);
    assertThat(cap.factor()).isEqualTo(5.0);
    assertThat(cap.setting()).isEqualTo("×5.00 (cap)");
  }
}
