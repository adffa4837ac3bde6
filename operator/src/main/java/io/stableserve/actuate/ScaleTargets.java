package io.stableserve.actuate;

import io.stableserve.api.ScaleTargetRef;

/** The edge to the cluster for scale targets: find them and set their replicas. */
public interface ScaleTargets {

  /** Finds the target, reads its replicas, and checks that no HPA or KEDA ScaledObject also scales it. */
  TargetResolution resolve(String namespace, ScaleTargetRef ref);

  /**
   * Sets the target's replicas through its /scale subresource.
   *
   * @throws ScaleFailedException when the API server refuses or cannot be reached
   */
  void scale(String namespace, ScaleTargetRef ref, int replicas) throws ScaleFailedException;
}
