package io.stableserve.jmh;

import io.stableserve.decide.CheapestMix;
import io.stableserve.decide.Mix;
import io.stableserve.decide.MixDemand;
import io.stableserve.decide.MixPlan;
import io.stableserve.decide.Queueing;
import io.stableserve.decide.TtftSlo;
import io.stableserve.decide.Variant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One cheapest-mix search ({@link CheapestMix}) with bounds 0..100 on each variant but a spot one
 * (0..20): three or four variants, with or without a P99 TTFT SLO, at 30 and 300 req/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class CheapestMixBenchmark {

  static final List<Variant> FOUR = List.of(new Variant("h100", 20.9, 4.0, 0, 100), new Variant("a100", 10.1, 1.8, 0, 100),
      new Variant("l40s", 7.5, 1.2, 0, 100), new Variant("h100-spot", 20.9, 2.2, 0, 20));

  @Param({"3", "4"})
  int variants;

  @Param({"false", "true"})
  boolean slo;

  @Param({"30", "300"})
  double arrivalRate;

  private List<Variant> list;
  private MixDemand demand;
  private Mix current;

  @Setup
  public void setUp() {
    list = FOUR.subList(0, variants);
    demand = new MixDemand(arrivalRate, 0.85, slo ? Optional.of(new TtftSlo(0.5, 0.99)) : Optional.empty(),
        new Queueing(0, 2, 1, 0.07, 1));
    current = Mix.of(new int[variants]);
  }

  @Benchmark
  public MixPlan solve() {
    return CheapestMix.solve(list, demand, current);
  }
}
