package io.stableserve.cli;

import io.stableserve.settings.Defaults;
import io.stableserve.solve.Provisioning;
import picocli.CommandLine.Option;

/** ρ, with the InferenceService's default. */
public final class TargetUtilizationOption {

  @Option(names = "--target-utilization", paramLabel = "R", defaultValue = Defaults.TARGET_UTILIZATION,
      description = "Target utilisation ρ in (0, 1) (default: ${DEFAULT-VALUE}, the operator's).")
  double targetUtilization;

  public double value() {
    Provisioning.checkTargetUtilization(targetUtilization);
    return targetUtilization;
  }
}
