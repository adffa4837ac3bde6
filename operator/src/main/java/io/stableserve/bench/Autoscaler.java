package io.stableserve.bench;

/**
 * A policy under test: every {@link #periodSeconds()} it reads the fleet's metrics, as its real
 * counterpart would see them, and returns the replica count to set. Stateful (stabilisation
 * windows, panic mode); a fresh instance runs each workload.
 */
public interface Autoscaler {

  String name();

  /** How often the policy decides, in seconds. */
  double periodSeconds();

  /**
   * One decision.
   *
   * @param metrics what the monitoring stack holds up to now
   * @param specReplicas the replicas asked for now (starting ones included)
   * @param readyReplicas the replicas serving now (not draining)
   * @return the replicas to ask for
   */
  int decide(FleetMetrics metrics, int specReplicas, int readyReplicas);
}
