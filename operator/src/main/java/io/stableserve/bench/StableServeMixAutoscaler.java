package io.stableserve.bench;

import io.stableserve.decide.Mix;
import io.stableserve.decide.TtftSlo;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observer;
import io.stableserve.observe.Signal;
import io.stableserve.pipeline.MixEvaluation;
import io.stableserve.pipeline.MixSettings;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.VariantSettings;
import io.stableserve.sim.StabilityModels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * StableServe on the mixed fleet: the operator's own mix decision
 * ({@link ScalingPipeline#observeAndEvaluateMix}: λ̂ and the token lengths over the service, μ̂_v from
 * each variant's given engine, {@code MixChange} within each variant's bounds with the SLO), with the
 * service's window read from the simulated fleet as {@link StableServeAutoscaler} reads it. Each
 * variant's engine is given, as a spec may give it, so its own series are not needed: the simulated
 * fleet's scrapes are not split by variant, and the per-variant observers say so.
 */
public final class StableServeMixAutoscaler implements MixAutoscaler {

  public static final String NAME = "StableServe";

  private final MixSettings settings;
  private final boolean gateway;
  private MixEvaluation last;
  private Optional<ServiceMemory> memory = Optional.empty();
  private final Map<String, Integer> changesByReason = new TreeMap<>();

  public StableServeMixAutoscaler(MixSettings settings, boolean gateway) {
    this.settings = settings;
    this.gateway = gateway;
  }

  /** The benchmark's StableServe settings (the operator's defaults unless named) over the fleet's variants. */
  public static StableServeMixAutoscaler of(BenchSetup setup, List<BenchVariant> variants) {
    StableServeSettings s = setup.stableServe();
    Optional<TtftSlo> slo = s.sloPercentile().isPresent()
        ? Optional.of(new TtftSlo(setup.ttftTargetSeconds(), s.sloPercentile().getAsDouble())) : Optional.empty();
    List<VariantSettings> priced = variants.stream()
        .map(v -> new VariantSettings(v.name(), EngineSettings.given(v.engine().config()), v.costPerHour(), v.min(), v.max()))
        .toList();
    MixSettings settings = new MixSettings(s.model(), s.targetUtilization(),
        StableServeAutoscaler.behavior(Duration.ofMillis(Math.round(setup.startupSeconds() * 1000)), s.scaleUpSettleTime()), slo,
        StableServeAutoscaler.window(s.windowSeconds()), priced).withSolvers(new StabilityModels());
    return new StableServeMixAutoscaler(settings, setup.stage().gatewayWaitingLimit().isPresent());
  }

  @Override
  public String name() {
    return NAME;
  }

  MixSettings settings() {
    return settings;
  }

  /** The last pass: the estimate, each variant's μ̂_v and the mix decided with its reason. */
  public Optional<MixEvaluation> lastEvaluation() {
    return Optional.ofNullable(last);
  }

  /** How many of its passes changed the mix, by the decision's reason. */
  public Map<String, Integer> changesByReason() {
    return Map.copyOf(changesByReason);
  }

  @Override
  public Mix decide(FleetMetrics metrics, Mix spec, Mix ready) {
    return decide(metrics, spec, ready, java.util.Collections.nCopies(spec.size(), Optional.empty()));
  }

  @Override
  public Mix decide(FleetMetrics metrics, Mix spec, Mix ready, List<Optional<String>> refusals) {
    Observer service = w -> StableServeAutoscaler.observe(metrics, w, gateway);
    Observer notSplit = w -> {
      throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.COMPLETIONS, null,
          "the simulated fleet's scrapes are not split by variant; the engine is given");
    };
    List<Observer> perVariant = settings.variants().stream().map(v -> notSplit).toList();
    Instant now = Instant.ofEpochMilli(Math.round(metrics.now() * 1000));
    if (memory.isEmpty()) {
      // Its first pass starts the scale-down window from the capacity the fleet has, as for one
      // type; that capacity in the unit variant's replicas is what a pass finds.
      memory = ScalingPipeline.observeAndEvaluateMix(service, perVariant, settings, ServiceMemory.empty(), spec, ready, refusals, now)
          .sizing().map(first -> ServiceMemory.takingOver(first.decision().currentReplicas(), now));
    }
    last = ScalingPipeline.observeAndEvaluateMix(service, perVariant, settings, memory.orElse(ServiceMemory.empty()), spec, ready,
        refusals, now);
    MixEvaluation pass = last;
    memory.ifPresent(before -> memory = Optional.of(pass.sizing().map(s -> before.after(s, pass.changes(), now)).orElse(before)
        .withVariantStalls(pass.stallsByName())));
    if (last.changes()) {
      changesByReason.merge(last.reason(), 1, Integer::sum);
    }
    return last.mix();
  }
}
