package io.stableserve.bench;

import io.stableserve.decide.ScaleToZero;
import io.stableserve.sim.RequestLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Scale to zero on a workload with idle periods: StableServe with the idle rule at a few idle
 * periods, StableServe in Metric mode through KEDA at one replica, KEDA with {@code minReplicaCount: 0} and Knative's KPA with scale to zero, each beside the
 * same policy kept at one replica, in the gateway stage (at zero the gateway, or Knative's activator,
 * holds the requests). A request that arrived while no replica was ready paid a cold start; its
 * TTFT is reported apart.
 */
public final class ZeroBenchmark {

  /** The idle periods StableServe is run at: the start-up (the rule's floor), the default, and half an hour. */
  public static final List<Duration> IDLE_PERIODS = List.of(Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(30));

  private final BenchSetup setup;

  /** @param setup its range's maximum is every policy's; the minimum is 1 or 0 as each policy says */
  public ZeroBenchmark(BenchSetup setup) {
    this.setup = setup;
  }

  /** A policy under test, built for each run. */
  public record Contender(String name, Function<BenchSetup, Autoscaler> create) {}

  /** The policies, each kept at one replica and allowed to go to zero. */
  public static List<Contender> contenders() {
    List<Contender> out = new ArrayList<>();
    out.add(new Contender("StableServe, min 1", s -> StableServeAutoscaler.of(s.range(), s)));
    for (Duration idle : IDLE_PERIODS) {
      out.add(new Contender("StableServe, to zero after " + idle.toMinutes() + "m",
          s -> StableServeAutoscaler.of(s.range(), s).withScaleToZero(new ScaleToZero(idle))));
    }
    out.add(new Contender(StableServeThroughKeda.NAME + " (Metric mode), min 1", s -> new StableServeThroughKeda(
        StableServeAutoscaler.of(s.range(), s).exportingTheCount(), s.range(), StableServeThroughKeda.Path.RECOMMENDED)));
    for (int min : new int[] {1, 0}) {
      out.add(new Contender(KedaGatewayQueue.NAME + ", min " + min, s -> new KedaGatewayQueue(s.range(),
          KedaQueueScaler.DEFAULT_THRESHOLD, HpaBehavior.defaults(), min)));
    }
    out.add(new Contender("Knative KPA, min 1", s -> new KnativeKpa(s.range(), KnativeKpa.DEFAULT_TARGET)));
    out.add(new Contender(KnativeKpaToZero.NAME, s -> new KnativeKpaToZero(s.range(), KnativeKpa.DEFAULT_TARGET)));
    return List.copyOf(out);
  }

  /**
   * One run's figures.
   *
   * @param result the benchmark's usual figures (GPU-hours, TTFT attainment and P99, actions)
   * @param coldStarts requests that arrived while no replica was ready
   * @param coldTtftMean their mean TTFT, seconds (NaN when none)
   * @param coldTtftMax their longest TTFT, seconds (NaN when none)
   */
  public record ZeroRun(String policy, RunResult result, int coldStarts, double coldTtftMean, double coldTtftMax) {}

  /** Runs every contender once on {@code workload}, from one ready replica. */
  public List<ZeroRun> run(BenchWorkload workload) {
    List<ZeroRun> out = new ArrayList<>();
    PolicyRun runner = new PolicyRun(setup);
    for (Contender c : contenders()) {
      Autoscaler policy = c.create().apply(setup);
      PolicyRun.Loop loop = runner.loop(workload, policy, 1);
      RunResult result = runner.summarize(c.name(), workload, loop);
      RequestLog log = loop.fleet().log();
      int cold = 0;
      double sum = 0;
      double max = Double.NaN;
      for (int i = 0; i < log.size(); i++) {
        if (log.arrival(i) < workload.durationSeconds() && loop.fleet().arrivedWithNoReplicaReady(log.id(i))) {
          cold++;
          sum += log.ttftSeconds(i);
          max = Double.isNaN(max) ? log.ttftSeconds(i) : Math.max(max, log.ttftSeconds(i));
        }
      }
      out.add(new ZeroRun(c.name(), result, cold, cold == 0 ? Double.NaN : sum / cold, max));
    }
    return out;
  }
}
