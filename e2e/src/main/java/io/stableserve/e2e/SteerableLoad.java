package io.stableserve.e2e;

import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.LengthSampler;
import io.stableserve.sim.arrivals.RequestSource;
import io.stableserve.workload.Workload;
import java.util.function.DoubleSupplier;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Poisson arrivals whose rate and request lengths a scenario changes while the fleet runs (load
 * triples, falls, shifts to long prompts). A change takes effect at the simulated time the clock
 * gives when it is made: the next arrival is drawn afresh from there at the new rate.
 */
public final class SteerableLoad implements RequestSource {

  private final RandomGenerator random;
  private final DoubleSupplier simulatedNow;
  private final int[] lengths = new int[2];
  private double rate;
  private Workload workload;
  private LengthSampler sampler;
  private double next;

  /** @param simulatedNow the fleet clock's time now (read without the fleet's lock) */
  public SteerableLoad(double rate, Workload workload, long seed, DoubleSupplier simulatedNow) {
    this.random = new MersenneTwister(seed);
    this.simulatedNow = simulatedNow;
    set(rate, workload, 0);
  }

  /** From now on, arrivals at {@code rate} req/s with lengths drawn from {@code workload}. */
  public synchronized void set(double rate, Workload workload) {
    set(rate, workload, simulatedNow.getAsDouble());
  }

  /** From now on, no arrivals (an idle spell) until the next {@link #set}. */
  public synchronized void stop() {
    this.rate = 0;
    this.next = Double.POSITIVE_INFINITY;
  }

  private void set(double rate, Workload workload, double from) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("arrival rate must be a positive finite number of req/s (stop() for none), got " + rate);
    }
    this.rate = rate;
    this.workload = workload;
    this.sampler = LengthSampler.of(workload);
    this.next = Math.max(from, 0) + exponential();
  }

  private double exponential() {
    return -Math.log(1 - random.nextDouble()) / rate;
  }

  public synchronized double rate() {
    return rate;
  }

  public synchronized Workload workload() {
    return workload;
  }

  @Override
  public synchronized double nextTime() {
    return next;
  }

  @Override
  public synchronized Arrival next() {
    sampler.sample(random, lengths);
    Arrival a = new Arrival(next, lengths[0], lengths[1]);
    next += exponential();
    return a;
  }

  @Override
  public synchronized String describe() {
    return String.format(java.util.Locale.ROOT, "Poisson %.3g req/s, %s", rate, workload.describe());
  }
}
