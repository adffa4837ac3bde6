package io.stableserve.testing;

import io.stableserve.actuate.ScaleFailedException;
import io.stableserve.actuate.ScaleTarget;
import io.stableserve.actuate.ScaleTargets;
import io.stableserve.actuate.TargetResolution;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.decide.ReplicaCounts;

/** A target that always resolves at a fixed count of ready replicas, and hands each /scale write to the test. */
public final class FixedTargets {

  private FixedTargets() {}

  /** What a /scale write does in the test: record it, or fail. */
  public interface ScaleWrite {
    void scale(int replicas) throws ScaleFailedException;
  }

  public static ScaleTargets at(int replicas, ScaleWrite write) {
    return new ScaleTargets() {
      @Override
      public TargetResolution resolve(String namespace, ScaleTargetRef ref) {
        return new TargetResolution.Resolved(new ScaleTarget(namespace, ref, ReplicaCounts.allReady(replicas)));
      }

      @Override
      public void scale(String namespace, ScaleTargetRef ref, int to) throws ScaleFailedException {
        write.scale(to);
      }
    };
  }
}
