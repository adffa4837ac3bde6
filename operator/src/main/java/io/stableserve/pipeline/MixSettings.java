package io.stableserve.pipeline;

import io.stableserve.decide.ScalingBehavior;
import io.stableserve.decide.TtftSlo;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.settings.Defaults;
import io.stableserve.sim.StabilityModels;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.StabilityModel;
import io.stableserve.solve.Provisioning;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a service of several variants asks of the pipeline: the stability model every variant is
 * solved with, the target utilisation, the behaviour (its start-up time prices a mix change, its
 * confidence sets the arrival rate sized for), the SLO, the window, the variants, and the horizon a
 * cheaper mix must repay its start-ups within ({@link io.stableserve.decide.MixChange}), and the
 * solvers the model is taken from ({@link ServiceSettings#solvers}).
 */
public record MixSettings(ModelKind model, double targetUtilization, ScalingBehavior behavior, Optional<TtftSlo> slo,
    ObservationWindow window, List<VariantSettings> variants, Duration horizon, StabilityModels solvers) {

  public MixSettings {
    Objects.requireNonNull(model, "stability model");
    Provisioning.checkTargetUtilization(targetUtilization);
    Objects.requireNonNull(behavior, "behaviour");
    slo = Objects.requireNonNullElse(slo, Optional.empty());
    Objects.requireNonNull(window, "observation window");
    variants = List.copyOf(variants);
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("a mix needs at least one variant");
    }
    if (variants.stream().map(VariantSettings::name).collect(java.util.stream.Collectors.toCollection(HashSet::new)).size()
        != variants.size()) {
      throw new IllegalArgumentException("variant names must be unique");
    }
    Objects.requireNonNull(horizon, "mix change horizon");
    Objects.requireNonNull(solvers, "solvers");
  }

  /** The stability model the settings name, from their solvers. */
  public StabilityModel solver() {
    return solvers.solver(model);
  }

  public MixSettings withSolvers(StabilityModels newSolvers) {
    return new MixSettings(model, targetUtilization, behavior, slo, window, variants, horizon, newSolvers);
  }

  /** With the default horizon, {@link Defaults#mixChangeHorizon()}, and the process's shared solvers. */
  public MixSettings(ModelKind model, double targetUtilization, ScalingBehavior behavior, Optional<TtftSlo> slo,
      ObservationWindow window, List<VariantSettings> variants) {
    this(model, targetUtilization, behavior, slo, window, variants, Defaults.mixChangeHorizon(), StabilityModels.shared());
  }
}
