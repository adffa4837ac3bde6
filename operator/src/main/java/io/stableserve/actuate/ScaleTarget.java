package io.stableserve.actuate;

import io.stableserve.api.ScaleTargetRef;
import io.stableserve.decide.ReplicaCounts;
import java.util.Objects;

/**
 * A resolved scale target: it exists, serves /scale, and no other autoscaler drives it.
 *
 * @param namespace where it lives
 * @param ref how the InferenceService names it
 * @param replicas its spec replicas (from /scale) and ready replicas (from its status)
 */
public record ScaleTarget(String namespace, ScaleTargetRef ref, ReplicaCounts replicas) {
  public ScaleTarget {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(ref, "scale target reference");
    Objects.requireNonNull(replicas, "replica counts");
  }
}
