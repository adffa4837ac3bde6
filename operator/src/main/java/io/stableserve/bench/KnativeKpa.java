package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
/**
 * Knative's pod autoscaler (KPA) on concurrency, written from its documentation and defaults:
 * target 70 in-flight requests per pod ({@code container-concurrency-target-default} 100 at
 * {@code container-concurrency-target-percentage} 70%), stable window 60 s, panic window 6 s (10%
 * of the stable window), panic threshold 200%, max scale-up rate 1000, max scale-down rate 2, a
 * decision every 2 s (the autoscaler's tick).
 *
 * <p>Each tick: desired = ⌈average concurrency over the stable window / target⌉, kept within
 * [⌊ready / 2⌋, ⌈1000 · ready⌉]. When the panic window's count reaches twice the ready pods the
 * autoscaler panics: it takes the larger of the two counts and never scales down, until a whole
 * stable window has passed without the panic condition. Concurrency is the requests inside the
 * pods plus those buffered in front of them (Knative's activator reports those too).
 */
public final class KnativeKpa implements Autoscaler {

  public static final String NAME = "Knative KPA";

  public static final double DEFAULT_TARGET = 100 * 0.70;
  public static final double STABLE_WINDOW_SECONDS = 60;
  public static final double PANIC_WINDOW_SECONDS = 6;
  public static final double PANIC_THRESHOLD = 2.0;
  public static final double MAX_SCALE_UP_RATE = 1000;
  public static final double MAX_SCALE_DOWN_RATE = 2;
  public static final double TICK_SECONDS = 2;

  private final ReplicaRange range;
  private final double target;
  private double panicSince = Double.NaN;
  private int maxPanicPods;

  public KnativeKpa(ReplicaRange range, double target) {
    if (!(target > 0)) {
      throw new IllegalArgumentException("KPA concurrency target must be positive, got " + target);
    }
    this.range = range;
    this.target = target;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return TICK_SECONDS;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    double stable = metrics.averageOverTime(KnativeKpa::concurrency, STABLE_WINDOW_SECONDS);
    double panic = metrics.averageOverTime(KnativeKpa::concurrency, PANIC_WINDOW_SECONDS);
    return range.clamp(desired(metrics.now(), stable, panic, readyReplicas));
  }

  static double concurrency(FleetMetrics.Scrape s) {
    double total = s.atRouter();
    for (FleetMetrics.PodReading p : s.pods()) {
      total += p.inFlight();
    }
    return total;
  }

  /** One tick of the KPA from the observed stable and panic concurrency (fleet totals). */
  int desired(double now, double observedStable, double observedPanic, int readyPods) {
    double ready = Math.max(1, readyPods);
    double maxUp = Math.ceil(MAX_SCALE_UP_RATE * ready);
    double maxDown = Math.floor(ready / MAX_SCALE_DOWN_RATE);
    double stableCount = Math.ceil(observedStable / target);
    double panicCount = Math.ceil(observedPanic / target);
    int desiredStable = (int) Math.min(Math.max(stableCount, maxDown), maxUp);
    int desiredPanic = (int) Math.min(Math.max(panicCount, maxDown), maxUp);
    boolean overPanicThreshold = panicCount / ready >= PANIC_THRESHOLD;
    if (overPanicThreshold) {
      panicSince = now;
    } else if (!Double.isNaN(panicSince) && panicSince + STABLE_WINDOW_SECONDS < now) {
      panicSince = Double.NaN;
      maxPanicPods = 0;
    }
    int desired = desiredStable;
    if (!Double.isNaN(panicSince)) {
      desired = Math.max(desired, desiredPanic);
      maxPanicPods = Math.max(maxPanicPods, desired);
      desired = maxPanicPods;
    }
    return desired;
  }

  boolean panicking() {
    return !Double.isNaN(panicSince);
  }
}
