package io.stableserve.bench;

import io.stableserve.decide.Mix;

/** A single-engine policy restricted to one variant of the mixed fleet: it sets that variant's count, the others none. */
public final class OneVariant implements MixAutoscaler {

  private final Autoscaler policy;
  private final int variant;
  private final String variantName;

  public OneVariant(Autoscaler policy, int variant, String variantName) {
    this.policy = policy;
    this.variant = variant;
    this.variantName = variantName;
  }

  @Override
  public String name() {
    return policy.name() + ", " + variantName + " only";
  }

  @Override
  public double periodSeconds() {
    return policy.periodSeconds();
  }

  @Override
  public Mix decide(FleetMetrics metrics, Mix spec, Mix ready) {
    int[] counts = new int[spec.size()];
    counts[variant] = policy.decide(metrics, spec.count(variant), ready.count(variant));
    return Mix.of(counts);
  }
}
