package io.stableserve.correct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class TtftCalibrationTest {

  @Test
  void theFactorMovesGeometricallyTowardsObservedOverPredictedWait() {
    // prefill 0.5 s; observed TTFT 4.5 s (wait 4), predicted 1.5 s (wait 1): ratio 4, halfway from 1 in logs is 2
    TtftCalibration c = TtftCalibration.update(1, OptionalDouble.of(4.5), 1.5, 0.5);
    assertThat(c.factor()).isCloseTo(2, within(1e-9));
    assertThat(c.updated()).isTrue();
    assertThat(TtftCalibration.update(c.factor(), OptionalDouble.of(4.5), 1.5, 0.5).factor()).isCloseTo(Math.sqrt(8), within(1e-9));
  }

  @Test
  void theFactorIsBounded() {
    assertThat(TtftCalibration.update(9, OptionalDouble.of(1000), 1.1, 0.1).factor()).isEqualTo(TtftCalibration.MAX_FACTOR);
    assertThat(TtftCalibration.update(0.06, OptionalDouble.of(0.2), 100, 0.1).factor()).isEqualTo(TtftCalibration.MIN_FACTOR);
    assertThat(TtftCalibration.update(1, OptionalDouble.of(400.1), 1.1, 0.1).factor()).as("one window moves it by 2 at most").isEqualTo(2);
  }

  @Test
  void waitsTooShortToCompareOrNoMeasurementKeepTheFactor() {
    assertThat(TtftCalibration.update(3, OptionalDouble.empty(), 2, 0.5).factor()).isEqualTo(3);
    assertThat(TtftCalibration.update(3, OptionalDouble.of(0.52), 2, 0.5).updated()).isFalse();
    assertThat(TtftCalibration.update(3, OptionalDouble.of(4), 0.52, 0.5).factor()).isEqualTo(3);
    assertThat(TtftCalibration.update(3, OptionalDouble.of(4), Double.POSITIVE_INFINITY, 0.5).factor()).isEqualTo(3);
  }
}
