package io.stableserve.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StabilityCriterionTest {

  final StabilityCriterion criterion = new StabilityCriterion(4, 3600, 0.01, 0.95);

  @Test
  void upperBoundIsTheMeanPlusStudentTTimesTheStandardError() {
    double[] drifts = {0.01, -0.02, 0.03, 0.0};
    // Mean 0.005, sample sd 0.02082, se 0.01041, t(3, 0.95) = 2.3534.
    StabilityCriterion.Verdict v = criterion.judge(10, drifts);
    assertThat(v.meanDrift()).isCloseTo(0.005, within(1e-12));
    assertThat(v.upperBound()).isCloseTo(0.005 + 2.353363 * 0.0104083, within(1e-5));
    assertThat(v.threshold()).isCloseTo(0.1, within(1e-12));
    assertThat(v.stable()).isTrue();
  }

  @Test
  void aGrowingQueueIsNotStable() {
    StabilityCriterion.Verdict v = criterion.judge(10, new double[] {0.5, 0.6, 0.55, 0.45});
    assertThat(v.stable()).isFalse();
  }

  @Test
  void runsThatDisagreeTooMuchAreNotShownStable() {
    // Mean drift is small, but the runs are too scattered to be confident it is below 1% of λ.
    StabilityCriterion.Verdict v = criterion.judge(10, new double[] {0.3, -0.25, 0.2, -0.2});
    assertThat(v.meanDrift()).isLessThan(v.threshold());
    assertThat(v.stable()).isFalse();
  }

  @Test
  void driftIsTheLeastSquaresSlopeOverTheSecondHalf() {
    double[] t = new double[10];
    int[] n = new int[10];
    for (int k = 0; k < 10; k++) {
      t[k] = 10 * (k + 1);
      n[k] = k < 5 ? 100 : 3 * k; // the first half is ignored
    }
    EngineRun run = new EngineRun(100, t, n, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(run.secondHalfDrift()).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void refusesCriteriaThatCannotDecide() {
    assertThatThrownBy(() -> new StabilityCriterion(1, 3600, 0.01, 0.95)).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> new StabilityCriterion(4, 3600, 0, 0.95)).hasMessageContaining("tolerance");
    assertThatThrownBy(() -> new StabilityCriterion(4, 3600, 0.01, 1)).hasMessageContaining("confidence");
    assertThatThrownBy(() -> criterion.judge(1, new double[] {0, 0})).hasMessageContaining("expected 4");
  }
}
