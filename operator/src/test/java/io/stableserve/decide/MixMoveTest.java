package io.stableserve.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How a mix reaches the capacity asked for: grow by adding, shed only what serves, swap in two moves. */
class MixMoveTest {

  // h100: 10 req/s at 4/h (0.40 per req/s-hour); a100: 4 req/s at 1.8/h (0.45 per req/s-hour).
  static final List<Variant> VARIANTS = List.of(new Variant("h100", 10, 4, 0, 10), new Variant("a100", 4, 1.8, 0, 10));
  static final Duration STARTUP = Duration.ofMinutes(2);
  static final Duration HORIZON = Duration.ofMinutes(30);

  static MixDecision move(Mix asked, Mix ready, double capacity) {
    return MixMove.to(VARIANTS, asked, ready, capacity, STARTUP, HORIZON);
  }

  @Test
  void growingKeepsEveryReplicaAndAddsTheCheapestCapacity() {
    // The cheapest for 40 req/s from nothing is four h100 (16/h); from (0, 5) it is the a100s kept and two h100 added.
    MixDecision d = move(Mix.of(0, 5), Mix.of(0, 5), 40);
    assertThat(d.mix()).isEqualTo(Mix.of(2, 5));
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.NEEDED_FOR_CAPACITY);
    assertThat(d.why()).contains("keeps every replica");
    assertThat(MixChange.decide(VARIANTS, new MixDemand(20, 0.5), Mix.of(0, 5), STARTUP, HORIZON).mix())
        .as("the search without the rule would drop the serving a100s for h100s that start").isEqualTo(Mix.of(4, 0));
  }

  @Test
  void whileReplicasStartNothingIsRemoved() {
    // (3, 5) holds 50 req/s; 30 would be held by three h100, but one of them is still starting.
    MixDecision d = move(Mix.of(3, 5), Mix.of(2, 5), 30);
    assertThat(d.mix()).isEqualTo(Mix.of(3, 5));
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.HOLD_WHILE_STARTING);
    assertThat(d.why()).contains("h100 2 of 3");
    assertThat(move(Mix.of(3, 5), Mix.of(3, 5), 30).mix()).as("once they serve").isEqualTo(Mix.of(3, 0));
  }

  @Test
  void aSwapAddsFirstAndDropsOnceTheAddedServe() {
    // Ten a100 (18/h) hold 40 req/s; four h100 (16/h) save 2/h, 1.0 over 30 min, more than the 0.53
    // the four cost while they start.
    MixDecision first = move(Mix.of(0, 10), Mix.of(0, 10), 40);
    assertThat(first.reason()).isEqualTo(MixDecision.Reason.ADDING_BEFORE_REMOVING);
    assertThat(first.mix()).isEqualTo(Mix.of(4, 10));
    MixDecision starting = move(first.mix(), Mix.of(0, 10), 40);
    assertThat(starting.mix()).as("the a100s stay while the h100s start").isEqualTo(Mix.of(4, 10));
    MixDecision second = move(first.mix(), first.mix(), 40);
    assertThat(second.reason()).isEqualTo(MixDecision.Reason.SHEDDING);
    assertThat(second.mix()).isEqualTo(Mix.of(4, 0));
    assertThat(move(second.mix(), second.mix(), 40).changes()).as("and it rests there").isFalse();
  }

  @Test
  void aCapacityNoMixReachesRunsEveryVariantAtItsMaximum() {
    MixDecision d = move(Mix.of(1, 1), Mix.of(1, 1), 500);
    assertThat(d.reason()).isEqualTo(MixDecision.Reason.UNREACHABLE);
    assertThat(d.mix()).isEqualTo(Mix.of(10, 10));
    assertThat(d.why()).contains("no mix within the bounds holds the demand");
  }

  @Test
  void aMixOutsideTheBoundsIsBroughtInside() {
    List<Variant> bounded = List.of(new Variant("h100", 10, 4, 1, 3), new Variant("a100", 4, 1.8, 0, 10));
    MixDecision d = MixMove.to(bounded, Mix.of(5, 0), Mix.of(5, 0), 20, STARTUP, HORIZON);
    assertThat(d.mix().withinBounds(bounded)).isTrue();
    assertThat(d.mix().capacity(bounded)).isGreaterThanOrEqualTo(20);
  }

  @Test
  void noMoveEverRemovesAReplicaWhileAnotherStartsOrLeavesTheCapacityShortWhenItCanBeHeld() {
    Random random = new Random(17);
    for (int i = 0; i < 5_000; i++) {
      Mix asked = Mix.of(random.nextInt(11), random.nextInt(11));
      Mix ready = Mix.of(random.nextInt(asked.count(0) + 1), random.nextInt(asked.count(1) + 1));
      double capacity = random.nextDouble() * 150;
      MixDecision d = move(asked, ready, capacity);
      boolean starting = !ready.equals(asked);
      for (int v = 0; v < 2; v++) {
        if (starting) {
          assertThat(d.mix().count(v)).as("%s ready %s asked for %.1f: %s", asked, ready, capacity, d.why())
              .isGreaterThanOrEqualTo(asked.count(v));
        }
      }
      boolean reachable = capacity <= Mix.of(10, 10).capacity(VARIANTS);
      if (reachable) {
        assertThat(d.mix().capacity(VARIANTS)).as("%s asked for %.1f: %s", asked, capacity, d.why())
            .isGreaterThanOrEqualTo(capacity - 1e-9);
      }
      boolean grows = d.mix().count(0) > asked.count(0) || d.mix().count(1) > asked.count(1);
      boolean shrinks = d.mix().count(0) < asked.count(0) || d.mix().count(1) < asked.count(1);
      assertThat(grows && shrinks).as("one move never both adds and removes: %s → %s", asked, d.mix()).isFalse();
    }
  }
}
