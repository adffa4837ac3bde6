package io.stableserve.bench;

import io.stableserve.decide.Mix;

/**
 * A policy for a fleet of several variants: every {@link #periodSeconds()} it reads the fleet's
 * metrics and returns the replicas to set for each variant, in the fleet's order. Stateful; a fresh
 * instance runs each workload.
 */
public interface MixAutoscaler {

  String name();

  /** How often the policy decides, in seconds: by default the HPA's sync period, as the single-engine peers. */
  default double periodSeconds() {
    return BenchSetup.CONTROL_PERIOD_SECONDS;
  }

  /**
   * One decision.
   *
   * @param spec the replicas asked for now per variant (starting ones included)
   * @param ready the replicas serving now per variant (not draining)
   */
  Mix decide(FleetMetrics metrics, Mix spec, Mix ready);
}
