package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.decide.ReplicaRange;
import org.junit.jupiter.api.Test;

class ReactiveBoundTest {

  private final ReplicaRange range = new ReplicaRange(1, 40);

  @Test
  void eachMinutesCountIsAskedForOnceTheMinuteIsOverAndHeldForTheScaleDownWindow() {
    ReactiveBound b = ReactiveBound.of(Oracle.of(new int[] {2, 5, 3, 1, 1, 1, 1, 1, 1}, 60), 1, range, 300);
    assertThat(b.initialReplicas()).as("before any minute has ended: the first minute's count").isEqualTo(2);
    assertThat(b.desired(59)).isEqualTo(2);
    assertThat(b.desired(60)).as("minute 0 has ended").isEqualTo(2);
    assertThat(b.desired(119)).as("minute 1's 5 is not known before it ends").isEqualTo(2);
    assertThat(b.desired(120)).as("minute 1 has ended").isEqualTo(5);
    assertThat(b.desired(479)).as("5 was asked for until 180 s, within the last 300 s").isEqualTo(5);
    assertThat(b.desired(480)).as("300 s after minute 2's 3 replaced it").isEqualTo(3);
    assertThat(b.desired(540)).isEqualTo(1);
    assertThat(b.desired(10_000)).as("after the plan: its last count").isEqualTo(1);
  }

  @Test
  void withoutAHoldEveryCountLastsOneMinuteAndTheFactorScalesItWithinTheRange() {
    ReactiveBound b = ReactiveBound.of(Oracle.of(new int[] {2, 5, 3}, 60), 1.5, new ReplicaRange(1, 6), 0);
    assertThat(b.desired(60)).as("⌈1.5 · 2⌉").isEqualTo(3);
    assertThat(b.desired(120)).as("⌈1.5 · 5⌉ = 8, capped at 6").isEqualTo(6);
    assertThat(b.desired(180)).as("⌈1.5 · 3⌉").isEqualTo(5);
  }

  @Test
  void refusesAFactorOrHoldItCannotUse() {
    Oracle plan = Oracle.of(new int[] {2}, 60);
    assertThatThrownBy(() -> ReactiveBound.of(plan, 0, range, 300)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("factor must be positive");
    assertThatThrownBy(() -> ReactiveBound.of(plan, 1, range, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hold");
  }
}
