package io.stableserve.sim;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Drives a {@link Fleet} from a wall clock: every tick it advances the fleet to
 * {@code speed × (wall seconds since start)}, so a fleet can stand in for a live service (the
 * end-to-end harness scrapes its replicas while this runs). A tick that falls behind is caught up
 * on the next one; simulated time never runs ahead of the mapped wall time.
 */
public final class FleetClock implements AutoCloseable {

  private final Fleet fleet;
  private final double speed;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService timer;
  private final double startSimTime;
  private long startNanos;
  private ScheduledFuture<?> task;
  private volatile RuntimeException failure;

  /** @param speed simulated seconds per wall second (1 for real time) */
  public FleetClock(Fleet fleet, double speed) {
    this(fleet, speed, System::nanoTime);
  }

  FleetClock(Fleet fleet, double speed, LongSupplier nanoTime) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("clock speed must be a positive finite factor, got " + speed);
    }
    this.fleet = fleet;
    this.speed = speed;
    this.nanoTime = nanoTime;
    this.startSimTime = fleet.now();
    this.startNanos = nanoTime.getAsLong();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fleet-clock");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts advancing the fleet every {@code tickMillis} milliseconds; the clock's time 0 is now. */
  public synchronized FleetClock start(long tickMillis) {
    if (task != null) {
      throw new IllegalStateException("the clock is already running");
    }
    if (tickMillis <= 0) {
      throw new IllegalArgumentException("tick must be a positive number of milliseconds, got " + tickMillis);
    }
    startNanos = nanoTime.getAsLong();
    task = timer.scheduleWithFixedDelay(this::tick, 0, tickMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Advances the fleet to the simulated time the wall clock maps to now. */
  void tick() {
    try {
      fleet.advanceToAtLeast(simulatedTimeNow());
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  /** The simulated time the wall clock maps to now. */
  public double simulatedTimeNow() {
    return startSimTime + speed * (nanoTime.getAsLong() - startNanos) / 1e9;
  }

  /** The error that stopped the clock, if one did (the fleet is then no longer advanced). */
  public RuntimeException failure() {
    return failure;
  }

  @Override
  public synchronized void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
