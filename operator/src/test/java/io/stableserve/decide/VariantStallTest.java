package io.stableserve.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a variant's replicas stop coming (a quota, no free node), and when it is asked again. */
class VariantStallTest {

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final Duration STALL_AFTER = Duration.ofMinutes(4);
  static final Duration RETRY_AFTER = Duration.ofMinutes(30);

  static VariantStall observe(VariantStall stall, int asked, int ready, long secondsAfterT0) {
    return stall.observe(asked, ready, T0.plusSeconds(secondsAfterT0), STALL_AFTER, RETRY_AFTER, false);
  }

  @Test
  void replicasAskedForThatDoNotBecomeReadyStallTheVariantAfterTheStallTime() {
    VariantStall waiting = observe(VariantStall.none(), 5, 2, 0);
    assertThat(waiting.waitingSince()).contains(T0);
    assertThat(waiting.readyThen()).isEqualTo(2);
    assertThat(waiting.stalled()).isFalse();

    VariantStall stillWaiting = observe(waiting, 5, 2, STALL_AFTER.toSeconds() - 1);
    assertThat(stillWaiting).isEqualTo(waiting);

    VariantStall stalled = observe(stillWaiting, 5, 2, STALL_AFTER.toSeconds());
    assertThat(stalled.stalled()).isTrue();
    assertThat(stalled.stalledSince()).contains(T0.plus(STALL_AFTER));
    assertThat(stalled.waitingSince()).isEmpty();
    assertThat(stalled.retryAt(RETRY_AFTER)).contains(T0.plus(STALL_AFTER).plus(RETRY_AFTER));
  }

  @Test
  void replicasTheTargetReportsRefusedStallTheVariantAtOnceAndAgainWhenProbed() {
    VariantStall refused = VariantStall.none().observe(5, 2, T0, STALL_AFTER, RETRY_AFTER, true);
    assertThat(refused.stalledSince()).as("no wait").contains(T0);

    assertThat(VariantStall.none().observe(2, 2, T0, STALL_AFTER, RETRY_AFTER, true))
        .as("a report while every replica asked for serves stalls nothing").isEqualTo(VariantStall.none());

    VariantStall probing = observe(refused, 2, 2, RETRY_AFTER.toSeconds());
    assertThat(probing.probing()).isTrue();
    VariantStall again = probing.observe(3, 2, T0.plusSeconds(RETRY_AFTER.toSeconds() + 15), STALL_AFTER, RETRY_AFTER, true);
    assertThat(again.stalledSince()).as("the probe refused: stalled again without waiting")
        .contains(T0.plusSeconds(RETRY_AFTER.toSeconds() + 15));
  }

  @Test
  void aReplicaBecomingReadyIsProgressAndRestartsTheWait() {
    // A variant growing step by step, each step serving within its start-up, never stalls.
    VariantStall stall = observe(VariantStall.none(), 3, 1, 0);
    stall = observe(stall, 3, 2, 200);
    assertThat(stall.waitingSince()).contains(T0.plusSeconds(200));
    assertThat(stall.readyThen()).isEqualTo(2);
    stall = observe(stall, 6, 3, 400);
    stall = observe(stall, 6, 5, 600);
    assertThat(stall.stalled()).isFalse();
    assertThat(stall.waitingSince()).contains(T0.plusSeconds(600));

    assertThat(observe(stall, 6, 6, 700)).as("every replica asked for serves").isEqualTo(VariantStall.none());
  }

  @Test
  void aStallLastsTheRetryTimeThenOneReplicaProbesWhetherTheVariantsReplicasComeAgain() {
    VariantStall stalled = observe(observe(VariantStall.none(), 4, 1, 0), 4, 1, STALL_AFTER.toSeconds());
    long since = STALL_AFTER.toSeconds();
    // Counted at its ready replica, the variant is asked for 1; the stall holds regardless.
    assertThat(observe(stalled, 1, 1, since + RETRY_AFTER.toSeconds() - 1)).isEqualTo(stalled);

    long retry = since + RETRY_AFTER.toSeconds();
    VariantStall probing = observe(stalled, 1, 1, retry);
    assertThat(probing.probing()).isTrue();
    assertThat(probing.stalled()).isFalse();
    assertThat(probing.probingSince()).contains(T0.plusSeconds(retry));
    assertThat(probing.readyThen()).isEqualTo(1);

    // The probe's replica comes: the variant is counted as any other again.
    assertThat(observe(probing, 2, 2, retry + 100)).isEqualTo(VariantStall.none());
    // It does not come within the stall time: stalled again, for another retry time.
    assertThat(observe(probing, 2, 1, retry + STALL_AFTER.toSeconds() - 1)).isEqualTo(probing);
    VariantStall again = observe(probing, 2, 1, retry + STALL_AFTER.toSeconds());
    assertThat(again.stalledSince()).contains(T0.plusSeconds(retry + STALL_AFTER.toSeconds()));
    assertThat(again.probing()).isFalse();
  }

  @Test
  void countsBelowZeroAreRefused() {
    assertThatThrownBy(() -> observe(VariantStall.none(), -1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new VariantStall(Optional.empty(), -1, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
  }
}
