package io.stableserve.actuate;

import io.stableserve.api.ScaleTargetRef;
import java.util.Optional;

/** The edge to the cluster for scale targets: find them and set their replicas. */
public interface ScaleTargets {

  /** Finds the target, reads its replicas, and checks that no HPA or KEDA ScaledObject also scales it. */
  TargetResolution resolve(String namespace, ScaleTargetRef ref);

  /**
   * Finds the target, reads its replicas, and checks that no other autoscaler scales it, but for
   * the one KEDA ScaledObject or autoscaling/v2 HPA that reads {@code exported} (Metric mode). The
   * default is for clusters that hold no other autoscaler: it resolves as without the series.
   *
   * @param exported in Metric mode, the series the service exports its decision as; empty otherwise
   */
  default TargetResolution resolve(String namespace, ScaleTargetRef ref, Optional<DecisionSeries> exported) {
    return resolve(namespace, ref);
  }

  /**
   * Sets the target's replicas through its /scale subresource.
   *
   * @throws ScaleFailedException when the API server refuses or cannot be reached
   */
  void scale(String namespace, ScaleTargetRef ref, int replicas) throws ScaleFailedException;
}
