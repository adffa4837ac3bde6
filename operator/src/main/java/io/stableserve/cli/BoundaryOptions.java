package io.stableserve.cli;

import io.stableserve.sim.StabilityCriterion;
import picocli.CommandLine.Option;

/** How the simulator's stability boundary is searched: the runs, their length, the verdict and the bracket. */
public final class BoundaryOptions {

  @Option(names = "--runs", defaultValue = "6", paramLabel = "R", description = "Independent runs per rate (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--horizon", defaultValue = "7200", paramLabel = "S", description = "Simulated seconds per run (default: ${DEFAULT-VALUE}).")
  double horizon;

  @Option(names = "--tolerance", defaultValue = "0.01", paramLabel = "F",
      description = "Drift tolerance as a share of the arrival rate (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--confidence", defaultValue = "0.95", paramLabel = "C",
      description = "One-sided confidence of the stability verdict (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(names = "--resolution", defaultValue = "0.02", paramLabel = "F",
      description = "Relative width of the final bracket (default: ${DEFAULT-VALUE}).")
  double resolution;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

  public StabilityCriterion criterion() {
    return new StabilityCriterion(runs, horizon, tolerance, confidence);
  }

  public double resolution() {
    return resolution;
  }

  public int threads() {
    return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
  }
}
