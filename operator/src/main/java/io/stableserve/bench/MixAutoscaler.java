package io.stableserve.bench;

import io.stableserve.decide.Mix;
import java.util.List;
import java.util.Optional;

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

  /**
   * One decision where some variants' targets report the replicas asked for refused, as a
   * Deployment whose pods a ResourceQuota forbids does ({@code ReplicaFailure}); a policy that does
   * not read that ignores it.
   *
   * @param refusals per variant, the target's report, if any
   */
  default Mix decide(FleetMetrics metrics, Mix spec, Mix ready, List<Optional<String>> refusals) {
    return decide(metrics, spec, ready);
  }
}
