package io.stableserve.bench;

import io.stableserve.decide.Mix;

/** One mix held through the whole run: a fleet sized once, for the peak. */
public final class StaticMix implements MixAutoscaler {

  public static final String NAME = "static mix for the peak";

  private final Mix mix;

  public StaticMix(Mix mix) {
    this.mix = mix;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Mix decide(FleetMetrics metrics, Mix spec, Mix ready) {
    return mix;
  }
}
