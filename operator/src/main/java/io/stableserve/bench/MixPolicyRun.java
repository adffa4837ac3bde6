package io.stableserve.bench;

import io.stableserve.decide.Mix;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.Replica;
import io.stableserve.sim.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * One mix policy driving a fleet of several variants through one workload, as {@link PolicyRun}
 * drives one engine: the same loop, stage, metrics and figures, with each variant scaled to its own
 * count, and the cost of each variant's replica-hours at its price.
 */
public final class MixPolicyRun {

  private final PolicyRun loop;
  private final BenchSetup setup;
  private final List<BenchVariant> variants;

  public MixPolicyRun(BenchSetup setup, List<BenchVariant> variants) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("a mixed fleet needs at least one variant");
    }
    if (variants.stream().map(BenchVariant::setup).distinct().count() != variants.size()) {
      throw new IllegalArgumentException("each variant of a mixed fleet needs its own engine");
    }
    this.loop = new PolicyRun(setup);
    this.setup = setup;
    this.variants = List.copyOf(variants);
  }

  /** @param initial ready at time 0, per variant */
  public MixRunResult run(BenchWorkload workload, MixAutoscaler policy, Mix initial) {
    if (initial.size() != variants.size()) {
      throw new IllegalArgumentException("an initial mix of " + initial.size() + " counts for " + variants.size() + " variants");
    }
    List<EngineSetup> engines = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      for (int i = 0; i < initial.count(v); i++) {
        engines.add(variants.get(v).setup());
      }
    }
    Fleet fleet = new Fleet(loop.fleetSpec(), workload.source().apply(setup.seed()), new Router.LeastOutstanding(), engines,
        setup.seed());
    PolicyRun.Loop measured = loop.drive(workload, fleet, policy.periodSeconds(), (metrics, sample) -> {
      Mix spec = counts(fleet, false);
      Mix desired = policy.decide(metrics, spec, counts(fleet, true));
      if (desired.equals(spec)) {
        return false;
      }
      for (int v = 0; v < variants.size(); v++) {
        fleet.scaleTo(variants.get(v).setup(), desired.count(v));
      }
      return true;
    });
    List<Double> hours = MixRunResult.replicaHours(measured.gpuSecondsByEngine(), variants);
    return new MixRunResult(policy.name(), "", loop.summarize(policy.name(), workload, measured), hours,
        MixRunResult.cost(hours, variants), workload.durationSeconds());
  }

  /** Each variant's replicas asked for (starting and ready) or, with {@code readyOnly}, serving. */
  private Mix counts(Fleet fleet, boolean readyOnly) {
    int[] n = new int[variants.size()];
    for (Replica r : fleet.replicas()) {
      boolean counted = r.state() == Replica.State.READY || (!readyOnly && r.state() == Replica.State.STARTING);
      if (counted) {
        n[variants.indexOf(variantOf(r))]++;
      }
    }
    return Mix.of(n);
  }

  private BenchVariant variantOf(Replica r) {
    return variants.stream().filter(v -> v.setup().equals(r.engine().spec())).findFirst()
        .orElseThrow(() -> new IllegalStateException("replica " + r.name() + " runs no variant's engine"));
  }
}
