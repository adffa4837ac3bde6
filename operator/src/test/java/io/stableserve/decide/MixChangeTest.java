package io.stableserve.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hysteresis between mixes: a cheaper mix must repay its start-ups over the horizon; a needed one is always taken. */
class MixChangeTest {

  // h100 capacity costs 0.40 per req/s-hour, a100 0.45: at 16 req/s and ρ 0.8 (20 req/s), two h100 (8/h) are
  // cheapest; five a100 (9/h) hold it too, as does one h100 with three a100 (9.4/h).
  static final List<Variant> VARIANTS = List.of(new Variant("h100", 10, 4, 0, 10), new Variant("a100", 4, 1.8, 0, 10));
  static final MixDemand DEMAND = new MixDemand(16, 0.8);
  static final Duration STARTUP = Duration.ofMinutes(5);

  @Test
  void aCheaperMixThatDoesNotRepayItsStartUpsIsNotTaken() {
    // Saving 1/h; over 30 min 0.5; the two h100 cost 2 × 4 × 5/60 = 0.67 while they start.
    MixDecision d = MixChange.decide(VARIANTS, DEMAND, Mix.of(0, 5), STARTUP, Duration.ofMinutes(30));
    assertThat(d.cheapest().mix()).isEqualTo(Mix.of(2, 0));
    assertThat(d.mix()).isEqualTo(Mix.of(0, 5));
    assertThat(d.changes()).isFalse();
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.HOLD_START_UPS_NOT_REPAID);
    assertThat(d.why()).contains("saves 1.000/h, 0.5000 over the 30m horizon, not more than the 0.6667");
  }

  @Test
  void theSameMixRepaysItsStartUpsOverALongerHorizonAndIsTaken() {
    // Over 60 min the saving is 1.0 > 0.67.
    MixDecision d = MixChange.decide(VARIANTS, DEMAND, Mix.of(0, 5), STARTUP, Duration.ofMinutes(60));
    assertThat(d.mix()).isEqualTo(Mix.of(2, 0));
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.SAVES_OVER_HORIZON);
    assertThat(d.why()).contains("saves 1.000/h, 1.000 over the 1h horizon, more than the 0.6667");
  }

  @Test
  void aMoveThatOnlyRemovesReplicasStartsNothingAndCanBeatTheCheapestOverTheHorizon() {
    MixDecision d = MixChange.decide(VARIANTS, DEMAND, Mix.of(0, 6), STARTUP, Duration.ofMinutes(30));
    assertThat(d.cheapest().mix()).isEqualTo(Mix.of(2, 0));
    assertThat(d.mix()).isEqualTo(Mix.of(0, 5));
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.SAVES_OVER_HORIZON);
    // Over 30 min: 9 × 0.5 = 4.5 on five a100, against 8 × 0.5 + 0.67 = 4.67 for two h100 with their start-ups.
    assertThat(d.why()).contains("the cheapest, h100 2 + a100 0 at 8.000/h, would cost 4.667 over the horizon with its start-ups, against 4.500");
  }

  @Test
  void aMixNeededForCapacityIsTakenHoweverLongItsStartUps() {
    MixDecision d = MixChange.decide(VARIANTS, DEMAND, Mix.of(0, 2), Duration.ofHours(1), Duration.ofMinutes(1));
    assertThat(d.mix()).isEqualTo(Mix.of(2, 0));
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.NEEDED_FOR_CAPACITY);
    assertThat(d.why()).contains("the current mix h100 0 + a100 2 does not hold the demand");
  }

  @Test
  void theCheapestMixIsKept() {
    MixDecision d = MixChange.decide(VARIANTS, DEMAND, Mix.of(2, 0), STARTUP);
    assertThat(d.mix()).isEqualTo(Mix.of(2, 0));
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.AT_CHEAPEST);
  }

  @Test
  void aMixBeyondTheBoundsIsReportedAsUnreachable() {
    MixDecision d = MixChange.decide(List.of(new Variant("h100", 10, 4, 0, 1), new Variant("a100", 4, 1.8, 0, 1)), DEMAND,
        Mix.of(1, 1), STARTUP);
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.UNREACHABLE);
    assertThat(d.mix()).isEqualTo(Mix.of(1, 1));
  }
}
