package io.stableserve.bench;

import java.util.function.Function;

/**
 * One setting of a policy's main knob: a peer's threshold or target, or StableServe's defaults.
 *
 * @param kind the policy
 * @param setting the knob's value, as the report shows it
 * @param isDefault the setting is the policy's documented default
 * @param factory builds a fresh policy with this setting for one run
 */
public record GridPoint(PolicyKind kind, String setting, boolean isDefault, Function<BenchSetup, Autoscaler> factory) {

  public GridPoint {
    if (kind == null || setting == null || factory == null) {
      throw new IllegalArgumentException("a grid point needs a policy, a setting and a factory");
    }
  }

  public Autoscaler create(BenchSetup setup) {
    return factory.apply(setup);
  }

  @Override
  public String toString() {
    return kind.displayName() + " [" + setting + (isDefault ? ", default" : "") + "]";
  }
}
