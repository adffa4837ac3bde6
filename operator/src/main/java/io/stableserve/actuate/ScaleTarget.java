package io.stableserve.actuate;

import io.stableserve.api.ScaleTargetRef;
import io.stableserve.decide.ReplicaCounts;
import java.util.Objects;
import java.util.Optional;

/**
 * A resolved scale target: it exists, serves /scale, and no other autoscaler drives it.
 *
 * @param namespace where it lives
 * @param ref how the InferenceService names it
 * @param replicas its spec replicas (from /scale) and ready replicas (from its status)
 * @param creationRefused why the target itself says the replicas it is asked for are not coming, if
 *     it says so and every pod it has is ready (those still starting are coming): a Deployment's
 *     {@code ReplicaFailure} condition (a quota refused its pods) or its
 *     {@code ProgressDeadlineExceeded}, as "reason: message"
 */
public record ScaleTarget(String namespace, ScaleTargetRef ref, ReplicaCounts replicas, Optional<String> creationRefused) {
  public ScaleTarget {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(ref, "scale target reference");
    Objects.requireNonNull(replicas, "replica counts");
    creationRefused = Objects.requireNonNullElse(creationRefused, Optional.empty());
  }

  /** A target that reports nothing against its replicas coming. */
  public ScaleTarget(String namespace, ScaleTargetRef ref, ReplicaCounts replicas) {
    this(namespace, ref, replicas, Optional.empty());
  }
}
