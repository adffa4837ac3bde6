package io.stableserve.decide;

/**
 * The target workload's replicas as the cluster reports them.
 *
 * @param spec the replicas asked for (the /scale subresource's spec.replicas)
 * @param ready the replicas ready to serve; {@code spec - ready} are starting (or not becoming ready)
 */
public record ReplicaCounts(int spec, int ready) {

  public ReplicaCounts {
    if (spec < 0) {
      throw new IllegalArgumentException("spec replicas must be >= 0, got " + spec);
    }
    if (ready < 0) {
      throw new IllegalArgumentException("ready replicas must be >= 0, got " + ready);
    }
  }

  public static ReplicaCounts allReady(int replicas) {
    return new ReplicaCounts(replicas, replicas);
  }

  /** Replicas asked for but not ready. Ready replicas above spec (pods still terminating) do not offset it. */
  public int notReady() {
    return Math.max(0, spec - ready);
  }
}
