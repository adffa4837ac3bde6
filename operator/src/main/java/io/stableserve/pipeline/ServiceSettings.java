package io.stableserve.pipeline;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ScalingBehavior;
import io.stableserve.decide.StepLimit;
import io.stableserve.settings.Defaults;

import io.stableserve.decide.ScalingPolicy;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.StabilityModel;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.sim.StabilityModels;
import java.util.Objects;

/**
 * What a service asks of the pipeline, in the stages' own terms: the operator maps an
 * InferenceService's spec to it, the command line its options, the benchmark its settings.
 *
 * @param model the stability model that solves for one replica's capacity
 * @param engine the engine values given (the rest is observed)
 * @param policy the replica range, target utilisation, behaviour and SLO of the decide step
 * @param window the window the service is observed over
 * @param solvers the solvers the model is taken from, with their remembered saturated runs: the
 *     process's shared ones, or a benchmark run's own ({@link StabilityModels})
 */
public record ServiceSettings(ModelKind model, EngineSettings engine, ScalingPolicy policy, ObservationWindow window,
    StabilityModels solvers) {
  public ServiceSettings {
    Objects.requireNonNull(model, "stability model");
    Objects.requireNonNull(engine, "engine settings");
    Objects.requireNonNull(policy, "scaling policy");
    Objects.requireNonNull(window, "observation window");
    Objects.requireNonNull(solvers, "solvers");
  }

  /** With the process's shared solvers. */
  public ServiceSettings(ModelKind model, EngineSettings engine, ScalingPolicy policy, ObservationWindow window) {
    this(model, engine, policy, window, StabilityModels.shared());
  }

  /** A service of {@code range} and {@code engine} with every other setting at its default ({@link Defaults}). */
  public static ServiceSettings defaults(ReplicaRange range, EngineSettings engine) {
    return new ServiceSettings(defaultModel(), engine, new ScalingPolicy(range, Defaults.targetUtilization(), defaultBehavior()),
        ObservationWindow.of(Defaults.window()));
  }

  public static ModelKind defaultModel() {
    return ModelKind.parse(Defaults.MODEL);
  }

  /** The behaviour an InferenceService gets when its spec says nothing of it. */
  public static ScalingBehavior defaultBehavior() {
    return new ScalingBehavior(Defaults.scaleUpWindow(), Defaults.scaleDownWindow(), StepLimit.none(), StepLimit.none(),
        Defaults.replicaStartupTime(), ScalingBehavior.DEFAULT_CONFIDENCE, Defaults.settleTime(), Defaults.pollInterval());
  }

  public ServiceSettings withModel(ModelKind newModel) {
    return new ServiceSettings(newModel, engine, policy, window, solvers);
  }

  public ServiceSettings withPolicy(ScalingPolicy newPolicy) {
    return new ServiceSettings(model, engine, newPolicy, window, solvers);
  }

  /** The stability model the settings name, from their solvers. */
  public StabilityModel solver() {
    return solvers.solver(model);
  }

  public ServiceSettings withSolvers(StabilityModels newSolvers) {
    return new ServiceSettings(model, engine, policy, window, newSolvers);
  }
}
