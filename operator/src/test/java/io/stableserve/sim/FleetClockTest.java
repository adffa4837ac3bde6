package io.stableserve.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.sim.arrivals.PoissonSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FleetClockTest {

  @Test
  void mapsWallTimeToSimulatedTimeAtItsSpeed() {
    Fleet fleet = new Fleet(FleetSpec.of(FleetTest.ENGINE, 0), PoissonSource.constant(5, FleetTest.SMALL, 1),
        new Router.RoundRobin(), 1, 1);
    AtomicLong wall = new AtomicLong(1_000_000_000L);
    try (FleetClock clock = new FleetClock(fleet, 20, wall::get)) {
      // Not started: ticks are driven by hand, with a hand-driven wall clock.
      wall.addAndGet(1_500_000_000L);
      clock.tick();
      assertThat(fleet.now()).isCloseTo(30, within(1e-9));
      wall.addAndGet(500_000_000L);
      clock.tick();
      assertThat(fleet.now()).isCloseTo(40, within(1e-9));
      assertThat(fleet.arrivals()).isBetween(150L, 250L);
      assertThat(clock.failure()).isNull();
    }
  }

  @Test
  void advancesOnItsOwnThread() throws InterruptedException {
    Fleet fleet = new Fleet(FleetSpec.of(FleetTest.ENGINE, 0), PoissonSource.constant(5, FleetTest.SMALL, 1),
        new Router.RoundRobin(), 1, 1);
    try (FleetClock clock = new FleetClock(fleet, 100).start(10)) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (fleet.now() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(fleet.now()).isGreaterThanOrEqualTo(5).isLessThanOrEqualTo(clock.simulatedTimeNow());
    }
  }
}
