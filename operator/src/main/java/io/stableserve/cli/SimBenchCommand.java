package io.stableserve.cli;

import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.FleetSpec;
import io.stableserve.sim.Replica;
import io.stableserve.sim.Router;
import io.stableserve.sim.Validation;
import io.stableserve.sim.arrivals.TraceReplay;
import io.stableserve.workload.Trace;
import io.stableserve.workload.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim-bench}: how fast the simulator runs a fleet through a trace. */
@Command(name = "sim-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Time the simulator: a trace replayed --time-scale times faster on --replicas engines for "
        + "--duration simulated seconds (engine: M = 100,000 tokens, ŝ = 512, budget 4096, "
        + "step 15 ms + 20 µs/token + 0.1 µs/KV token), repeated; prints each run's wall time.")
public final class SimBenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--trace", paramLabel = "FILE",
      description = "Trace to replay (default: azure-llm-2023-conv.csv in data/).")
  Path trace;

  @Option(names = "--time-scale", defaultValue = "10", paramLabel = "X", description = "Default: ${DEFAULT-VALUE}.")
  double timeScale;

  @Option(names = "--replicas", defaultValue = "8", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
  int replicas;

  @Option(names = "--duration", defaultValue = "3600", paramLabel = "S", description = "Default: ${DEFAULT-VALUE}.")
  double duration;

  @Option(names = "--repeat", defaultValue = "5", paramLabel = "K",
      description = "Timed runs after one warm-up run (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Override
  public Integer call() throws IOException {
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
    }
    Trace t = TraceReader.read(trace != null ? trace : DataOption.find().resolve("azure-llm-2023-conv.csv"));
    EngineSetup engine = EngineSetup.of(Validation.linearEngine(100_000));
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "Simulating %s replayed %.4gx faster on %d replicas for %.0f s (%s)%n", t.name(),
        timeScale, replicas, duration, SimulateCommand.describe(engine));
    double[] walls = new double[repeat];
    for (int k = 0; k <= repeat; k++) {
      Fleet fleet = new Fleet(FleetSpec.of(engine, 0), new TraceReplay(t, timeScale, 1, true, k),
          new Router.LeastOutstanding(), replicas, k);
      long started = System.nanoTime();
      fleet.advanceTo(duration);
      double wall = (System.nanoTime() - started) / 1e9;
      long steps = fleet.replicas().stream().map(Replica::engine).mapToLong(e -> e.steps()).sum();
      out.printf(Locale.ROOT, "  %s %d: %.3f s wall, %d requests, %d engine steps (%.1f million steps/s)%n",
          k == 0 ? "warm-up" : "run", k, wall, fleet.arrivals(), steps, steps / wall / 1e6);
      if (k > 0) {
        walls[k - 1] = wall;
      }
    }
    Arrays.sort(walls);
    out.printf(Locale.ROOT, "Wall time per simulated run: median %.3f s, best %.3f s, worst %.3f s%n",
        walls[walls.length / 2], walls[0], walls[walls.length - 1]);
    out.flush();
    return 0;
  }
}
