package io.stableserve.api;

/** Whether decisions are applied, and by whom. */
public enum Mode {
  /** Set the target's replica count through /scale. */
  Enforce,
  /** Compute and report decisions in status and events; never write /scale. */
  Recommend,
  /**
   * Compute the decision and export it as {@code stableserve_desired_replicas{namespace, name}} and in
   * status; never write /scale. One KEDA ScaledObject or autoscaling/v2 HPA that reads the series sets
   * the replicas.
   */
  Metric
}
