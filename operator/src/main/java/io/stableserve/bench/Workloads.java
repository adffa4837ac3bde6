package io.stableserve.bench;

import io.stableserve.sim.arrivals.Phase;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.sim.arrivals.TraceReplay;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Trace;
import io.stableserve.workload.Workload;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's workloads. Rates are set in units of one replica's stable rate μ (iterative
 * model, for the workload's own lengths) times {@code scale}, so that several replicas are needed
 * whatever the engine; {@code scale} 1 is the documented run.
 */
public final class Workloads {

  private Workloads() {}

  /** One replica's stable rate for a workload's lengths. */
  static double stableRate(Workload lengths, EngineConfig engine) {
    return new IterativeModel().solve(lengths, engine).stableRate();
  }

  /**
   * A shared Azure trace, compressed in time by {@code timeScale} and scaled in rate so that its
   * mean rate is {@code replicas} × μ.
   */
  public static BenchWorkload trace(String name, Trace trace, double timeScale, double replicas, EngineConfig engine) {
    double mu = stableRate(trace, engine);
    double traceRate = trace.arrivals().orElseThrow().ratePerSecond() * timeScale;
    double rateScale = replicas * mu / traceRate;
    double duration = trace.durationSeconds() / timeScale;
    String description = String.format(Locale.ROOT,
        "%s replayed %.3gx faster with %.3gx the requests: mean %.1f req/s over %.0f min (μ = %.2f req/s per replica)",
        trace.name(), timeScale, rateScale, replicas * mu, duration / 60, mu);
    return new BenchWorkload(name, description, duration, seed -> new TraceReplay(trace, timeScale, rateScale, false, seed),
        t -> trace);
  }

  /**
   * A compressed day: low load, a ramp up to a peak with a burst on it, and a ramp down with a
   * smaller burst, lengths drawn from {@code lengths} (e.g. the conversation trace's requests).
   */
  public static BenchWorkload diurnal(String name, Workload lengths, double peakReplicas, EngineConfig engine) {
    double mu = stableRate(lengths, engine);
    double low = 0.2 * peakReplicas * mu;
    double high = peakReplicas * mu;
    List<Phase> phases = List.of(
        Phase.constant(300, low, lengths),
        new Phase(600, low, high, lengths),
        Phase.constant(240, high, lengths),
        Phase.constant(60, 1.5 * high, lengths),
        Phase.constant(240, high, lengths),
        new Phase(600, high, low, lengths),
        Phase.constant(60, 2.5 * low, lengths),
        Phase.constant(300, low, lengths));
    double duration = phases.stream().mapToDouble(Phase::durationSeconds).sum();
    String description = String.format(Locale.ROOT,
        "Poisson, %s: %.1f req/s for 5 min, ramp to %.1f over 10 min, 1-min burst at %.1f, ramp down, 1-min burst at %.1f; %.0f min (μ = %.2f)",
        lengths.describe(), low, high, 1.5 * high, 2.5 * low, duration / 60, mu);
    return new BenchWorkload(name, description, duration, seed -> new PoissonSource(phases, false, seed), t -> lengths);
  }

  /**
   * A constant request rate whose requests change from chat-like to long prompts: KV-cache memory
   * becomes the bottleneck while the request rate stays the same.
   */
  public static BenchWorkload shift(String name, double longPromptReplicas, EngineConfig engine) {
    Workload chat = new IndependentLengths(LengthDistribution.parse("uniform:100:800"), LengthDistribution.parse("uniform:50:400"));
    Workload longPrompts = new IndependentLengths(LengthDistribution.parse("uniform:3000:9000"),
        LengthDistribution.parse("uniform:50:300"));
    double rate = longPromptReplicas * stableRate(longPrompts, engine);
    List<Phase> phases = List.of(Phase.constant(900, rate, chat), Phase.constant(1200, rate, longPrompts));
    String description = String.format(Locale.ROOT,
        "Poisson %.1f req/s: 15 min of chat (%s; μ = %.2f), then 20 min of long prompts (%s; μ = %.2f)",
        rate, chat.describe(), stableRate(chat, engine), longPrompts.describe(), stableRate(longPrompts, engine));
    return new BenchWorkload(name, description, 2100, seed -> new PoissonSource(phases, false, seed),
        t -> t < 900 ? chat : longPrompts);
  }

  /** A request every five minutes: the night's stray traffic, which wakes a service at zero each time. */
  static final double NIGHT_RATE = 1.0 / 300;

  /**
   * A compressed day with a night on each side: 30 min of stray requests (one every 5 min on
   * average), a 10-min ramp to the peak, 20 min at it, a 10-min ramp down to a fifth of it, 10 min
   * there, and 30 min of night again. The nights are what a service allowed to go to zero saves on,
   * and each stray request is a cold start for it.
   */
  public static BenchWorkload nightAndDay(String name, Workload lengths, double peakReplicas, EngineConfig engine) {
    double mu = stableRate(lengths, engine);
    double high = peakReplicas * mu;
    double low = 0.2 * high;
    List<Phase> phases = List.of(
        Phase.constant(1800, NIGHT_RATE, lengths),
        new Phase(600, NIGHT_RATE, high, lengths),
        Phase.constant(1200, high, lengths),
        new Phase(600, high, low, lengths),
        Phase.constant(600, low, lengths),
        Phase.constant(1800, NIGHT_RATE, lengths));
    double duration = phases.stream().mapToDouble(Phase::durationSeconds).sum();
    String description = String.format(Locale.ROOT,
        "Poisson, %s: night (a request every %.0f min) for 30 min, ramp to %.1f req/s over 10 min, 20 min there, "
            + "ramp down to %.1f, 10 min there, night for 30 min; %.0f min (μ = %.2f)",
        lengths.describe(), 1 / NIGHT_RATE / 60, high, low, duration / 60, mu);
    return new BenchWorkload(name, description, duration, seed -> new PoissonSource(phases, false, seed), t -> lengths);
  }
}
