package io.stableserve.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The start-up time measured from the target: from a scale-up written to its replicas all ready. */
class StartupTimeTest {

  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  static final Duration SPEC = Duration.ofMinutes(5);
  static final Duration PERIOD = Duration.ofSeconds(10);

  @Test
  void aScaleUpIsTimedUntilAsManyReplicasAreReadyAsItAskedFor() {
    StartupTime timing = StartupTime.none().scaledUp(T0, 5);
    assertThat(timing.effective(SPEC)).as("nothing measured yet: the spec's").isEqualTo(SPEC);
    StartupTime partly = timing.observe(4, 5, T0.plusSeconds(60), PERIOD);
    assertThat(partly.measured()).isEmpty();
    assertThat(partly.pending()).contains(new StartupTime.PendingScaleUp(T0, 5));
    StartupTime done = partly.observe(5, 5, T0.plusSeconds(75), PERIOD);
    assertThat(done.measured()).as("ready between 65 s and 75 s: midway").contains(Duration.ofSeconds(70));
    assertThat(done.measuredAt()).contains(T0.plusSeconds(75));
    assertThat(done.pending()).isEmpty();
    assertThat(done.effective(SPEC)).isEqualTo(Duration.ofSeconds(70));
    assertThat(done.observe(5, 5, T0.plusSeconds(500), PERIOD)).as("nothing more to time").isEqualTo(done);
  }

  @Test
  void aNewerScaleUpReplacesTheOneTimedAndTheLatestMeasurementStands() {
    StartupTime measured = StartupTime.none().scaledUp(T0, 3).observe(3, 3, T0.plusSeconds(200), PERIOD);
    StartupTime again = measured.scaledUp(T0.plusSeconds(300), 6).scaledUp(T0.plusSeconds(330), 8);
    assertThat(again.effective(SPEC)).as("the last measurement holds while the next is timed").isEqualTo(Duration.ofSeconds(195));
    StartupTime faster = again.observe(8, 8, T0.plusSeconds(420), PERIOD);
    assertThat(faster.measured()).contains(Duration.ofSeconds(85));
  }

  @Test
  void aScaleDownBeforeTheReplicasAreReadyOrAWaitPastAnHourMeasuresNothing() {
    StartupTime timing = StartupTime.none().scaledUp(T0, 5);
    assertThat(timing.observe(3, 4, T0.plusSeconds(60), PERIOD).pending()).as("fewer asked for than timed").isEmpty();
    assertThat(timing.observe(3, 4, T0.plusSeconds(60), PERIOD).measured()).isEmpty();
    StartupTime stalled = timing.observe(2, 5, T0.plus(StartupTime.MAX).plusSeconds(1), PERIOD);
    assertThat(stalled.pending()).isEmpty();
    assertThat(stalled.measured()).as("a replica that never starts is not a start-up time").isEmpty();
  }

  @Test
  void aMeasurementOutsideTheSpecsBoundsIsNotKept() {
    assertThat(new StartupTime(Optional.of(Duration.ofHours(2)), Optional.of(T0), Optional.empty()).measured()).isEmpty();
    assertThat(new StartupTime(Optional.of(Duration.ZERO), Optional.of(T0), Optional.empty()).measured()).isEmpty();
    assertThat(StartupTime.none().scaledUp(T0, 2).observe(2, 2, T0, PERIOD).measured()).as("ready at once: the bound's minimum")
        .contains(StartupTime.MIN);
  }
}
