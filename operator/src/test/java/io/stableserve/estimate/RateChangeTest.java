package io.stableserve.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RateChangeTest {

  @Test
  void findsAStepAndTheRateSinceIt() {
    // 2 s sub-intervals: 3 arrivals each (1.5 req/s), then 9 each (4.5 req/s) for the last 3.
    double[] counts = {3, 3, 3, 3, 3, 3, 3, 9, 9, 9};
    RateChange c = RateChange.find(counts, 2).orElseThrow();
    assertThat(c.secondsAgo()).isEqualTo(6);
    assertThat(c.rateBefore()).isCloseTo(1.5, within(1e-12));
    assertThat(c.rateAfter()).isCloseTo(4.5, within(1e-12));
    assertThat(c.arrivalsAfter()).isEqualTo(27);
    // Counts that fit their two rates exactly are not over-dispersed: the Poisson error √27 / 6 s.
    assertThat(c.dispersion()).isEqualTo(1);
    assertThat(c.standardErrorAfter()).isCloseTo(Math.sqrt(27) / 6, within(1e-12));
    // 2·[21·ln(3/4.8) + 27·ln(9/4.8)] against the single rate 48/10 per sub-interval.
    assertThat(c.statistic()).isCloseTo(2 * (21 * Math.log(3 / 4.8) + 27 * Math.log(9 / 4.8)), within(1e-9));
  }

  @Test
  void aFallIsNotARise() {
    assertThat(RateChange.find(new double[] {9, 9, 9, 9, 9, 3, 3, 3, 3, 3}, 2)).isEmpty();
  }

  @Test
  void aFallIsFoundAsARiseIsAndARiseIsNotAFall() {
    RateChange fall = RateChange.findFall(new double[] {9, 9, 9, 9, 9, 9, 9, 3, 3, 3}, 2).orElseThrow();
    assertThat(fall.secondsAgo()).isEqualTo(6);
    assertThat(fall.rateBefore()).isCloseTo(4.5, within(1e-12));
    assertThat(fall.rateAfter()).isCloseTo(1.5, within(1e-12));
    assertThat(RateChange.findFall(new double[] {3, 3, 3, 3, 3, 3, 3, 9, 9, 9}, 2)).isEmpty();
  }

  @Test
  void aSteadyLoadRarelyShowsARise() {
    SplittableRandom random = new SplittableRandom(7);
    int windows = 2000;
    int found = 0;
    for (int w = 0; w < windows; w++) {
      double[] counts = new double[10];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = poisson(random, 5);
      }
      if (RateChange.find(counts, 2).isPresent()) {
        found++;
      }
    }
    // Each split is tested at 0.001; the largest of nine correlated splits passes more often, but rarely.
    assertThat(found / (double) windows).isLessThan(0.01);
  }

  @Test
  void burstyCountsNeedAClearerStepThanPoissonOnes() {
    // The same means as a Poisson step that passes, with counts that swing far more than Poisson's.
    double[] bursty = {0, 10, 1, 8, 0, 12, 1, 12, 2, 14};
    Optional<RateChange> c = RateChange.find(bursty, 1);
    assertThat(c).isEmpty();
    double[] steady = {5, 5, 5, 5, 5, 5, 5, 8, 8, 8};
    assertThat(RateChange.find(steady, 1)).isEmpty();
    double[] step = {5, 5, 5, 5, 5, 5, 5, 15, 15, 15};
    assertThat(RateChange.find(step, 1)).isPresent();
  }

  @Test
  void overDispersionWidensTheErrorOfTheRateSince() {
    double[] counts = {2, 4, 3, 2, 4, 3, 10, 45, 12, 43};
    RateChange c = RateChange.find(counts, 1).orElseThrow();
    assertThat(c.dispersion()).isGreaterThan(1);
    assertThat(c.standardErrorAfter()).isCloseTo(Math.sqrt(c.dispersion() * c.arrivalsAfter()) / c.secondsAgo(), within(1e-12));
  }

  @Test
  void tooFewOrNoCountsFindNothing() {
    assertThat(RateChange.find(new double[] {1, 50, 50}, 1)).isEmpty();
    assertThat(RateChange.find(new double[] {0, 0, 0, 0, 0}, 1)).isEmpty();
    // Negative counts (backlog noise) count as none.
    assertThat(RateChange.find(new double[] {-1, 0, 0, 0, 0}, 1)).isEmpty();
  }

  @Test
  void badInputIsRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> RateChange.find(new double[] {1, 2, 3, 4}, 0)).hasMessageContaining("sub-interval length");
    assertThatThrownBy(() -> RateChange.find(new double[] {1, Double.NaN, 3, 4}, 1))
        .hasMessageContaining("sub-interval 1 must be finite");
  }

  static int poisson(SplittableRandom random, double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }
}
