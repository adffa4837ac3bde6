package io.stableserve.bench;

import io.stableserve.decide.Variant;
import io.stableserve.sim.EngineSetup;
import java.util.List;

/**
 * One variant of the benchmark's mixed fleet: an engine, what one of its replicas costs an hour, and
 * the replicas it may have.
 *
 * <p>The mixed fleet ({@link #MIXED}): H100 at 4.0 and A100 at 1.8 per replica-hour. The prices are
 * an assumption, round figures of the order of public on-demand prices for one GPU (the ones
 * docs/variants.md uses), not quotes. A100s are taken to be scarce, at most 8; H100s are bounded by
 * the benchmark's usual 40.
 */
public record BenchVariant(String name, BenchEngine engine, double costPerHour, int min, int max) {

  public static final List<BenchVariant> MIXED = List.of(
      new BenchVariant("h100", BenchEngine.H100, 4.0, 0, 40),
      new BenchVariant("a100", BenchEngine.A100, 1.8, 0, 8));

  public BenchVariant {
    if (name == null || name.isBlank() || engine == null) {
      throw new IllegalArgumentException("a variant needs a name and an engine");
    }
    if (!(costPerHour > 0) || Double.isInfinite(costPerHour)) {
      throw new IllegalArgumentException("variant " + name + ": cost per replica-hour must be a finite number > 0, got " + costPerHour);
    }
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("variant " + name + ": replicas must satisfy 0 <= min <= max, got " + min + ".." + max);
    }
  }

  /** The simulator's engine of this variant's replicas. */
  public EngineSetup setup() {
    return EngineSetup.of(engine.config());
  }

  /** The solver's variant with one replica's stable rate {@code stableRate}. */
  public Variant at(double stableRate) {
    return new Variant(name, stableRate, costPerHour, min, max);
  }

  /** The same variant held at no replicas: the fleet restricted to the other types. */
  public BenchVariant unused() {
    return new BenchVariant(name, engine, costPerHour, 0, 0);
  }
}
