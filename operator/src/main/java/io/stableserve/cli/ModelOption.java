package io.stableserve.cli;

import io.stableserve.settings.Defaults;
import io.stableserve.solve.ModelKind;
import picocli.CommandLine.Option;

/** Which stability model solves: the same names, and the same default, as the InferenceService's {@code spec.model}. */
public final class ModelOption {

  @Option(names = "--model", paramLabel = "scheduler|iterative|paper", defaultValue = Defaults.MODEL,
      description = "Stability model (default: ${DEFAULT-VALUE}, the operator's).")
  String model;

  public ModelKind kind() {
    return ModelKind.parse(model);
  }
}
