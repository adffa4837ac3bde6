package io.stableserve.bench;

import io.stableserve.decide.Mix;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.Replica;
import io.stableserve.sim.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One mix policy driving a fleet of several variants through one workload, as {@link PolicyRun}
 * drives one engine: the same loop, stage, metrics and figures, with each variant scaled to its own
 * count, and the cost of each variant's replica-hours at its price.
 *
 * <p>A variant may have a quota below its maximum, as a cluster whose nodes of that GPU run out: the
 * policy may ask for more, and its /scale spec says so, but no replica beyond the quota is created;
 * those wait unscheduled, cost nothing and never serve.
 */
public final class MixPolicyRun {

  private final PolicyRun loop;
  private final BenchSetup setup;
  private final List<BenchVariant> variants;
  private final List<Integer> quotas;
  private final boolean quotasReported;

  public MixPolicyRun(BenchSetup setup, List<BenchVariant> variants) {
    this(setup, variants, variants.stream().map(v -> Integer.MAX_VALUE).toList());
  }

  /** @param quotas per variant, the most replicas of it that are ever created, nothing reported */
  public MixPolicyRun(BenchSetup setup, List<BenchVariant> variants, List<Integer> quotas) {
    this(setup, variants, quotas, false);
  }

  /**
   * @param quotas per variant, the most replicas of it that are ever created
   * @param quotasReported whether a variant asked for more than its quota reports them refused, as a
   *     Deployment under a ResourceQuota does ({@code ReplicaFailure}, {@code FailedCreate}); without,
   *     the replicas are simply never created, as when the nodes of a GPU run out
   */
  public MixPolicyRun(BenchSetup setup, List<BenchVariant> variants, List<Integer> quotas, boolean quotasReported) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("a mixed fleet needs at least one variant");
    }
    if (variants.stream().map(BenchVariant::setup).distinct().count() != variants.size()) {
      throw new IllegalArgumentException("each variant of a mixed fleet needs its own engine");
    }
    if (quotas.size() != variants.size() || quotas.stream().anyMatch(q -> q < 0)) {
      throw new IllegalArgumentException("one quota >= 0 per variant, got " + quotas + " for " + variants.size() + " variants");
    }
    this.loop = new PolicyRun(setup);
    this.setup = setup;
    this.variants = List.copyOf(variants);
    this.quotas = List.copyOf(quotas);
    this.quotasReported = quotasReported;
  }

  /** @param initial ready at time 0, per variant */
  public MixRunResult run(BenchWorkload workload, MixAutoscaler policy, Mix initial) {
    if (initial.size() != variants.size()) {
      throw new IllegalArgumentException("an initial mix of " + initial.size() + " counts for " + variants.size() + " variants");
    }
    List<EngineSetup> engines = new ArrayList<>();
    int[] opening = new int[variants.size()];
    for (int v = 0; v < variants.size(); v++) {
      opening[v] = Math.min(initial.count(v), quotas.get(v));
      for (int i = 0; i < opening[v]; i++) {
        engines.add(variants.get(v).setup());
      }
    }
    Fleet fleet = new Fleet(loop.fleetSpec(), workload.source().apply(setup.seed()), new Router.LeastOutstanding(), engines,
        setup.seed());
    Mix[] asked = {Mix.of(opening)};
    PolicyRun.Loop measured = loop.drive(workload, fleet, policy.periodSeconds(), (metrics, sample) -> {
      Mix spec = asked[0];
      Mix desired = policy.decide(metrics, spec, inState(fleet, Replica.State.READY), refusals(spec, fleet));
      if (desired.equals(spec)) {
        return false;
      }
      asked[0] = desired;
      for (int v = 0; v < variants.size(); v++) {
        fleet.scaleTo(variants.get(v).setup(), Math.min(desired.count(v), quotas.get(v)));
      }
      return true;
    });
    List<Double> hours = MixRunResult.replicaHours(measured.gpuSecondsByEngine(), variants);
    return new MixRunResult(policy.name(), "", loop.summarize(policy.name(), workload, measured), hours,
        MixRunResult.cost(hours, variants), workload.durationSeconds());
  }

  /**
   * What each variant's target reports against the replicas it is asked for: as the operator reads a
   * Deployment, the refusal counts once every replica created is ready.
   */
  private List<Optional<String>> refusals(Mix spec, Fleet fleet) {
    Mix starting = inState(fleet, Replica.State.STARTING);
    List<Optional<String>> out = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      out.add(quotasReported && spec.count(v) > quotas.get(v) && starting.count(v) == 0
          ? Optional.of(String.format(Locale.ROOT, "FailedCreate: pods are forbidden: exceeded quota: %s, limited: %d",
              variants.get(v).name(), quotas.get(v)))
          : Optional.empty());
    }
    return out;
  }

  /** Each variant's replicas in {@code state}: serving, or still starting. */
  private Mix inState(Fleet fleet, Replica.State state) {
    int[] n = new int[variants.size()];
    for (Replica r : fleet.replicas()) {
      if (r.state() == state) {
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
