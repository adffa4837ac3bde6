package io.stableserve.bench;

import java.util.List;

/**
 * The {@code behavior} of an {@code autoscaling/v2} HorizontalPodAutoscaler: a stabilisation window
 * and rate-limiting policies per direction. Each direction takes the policy that allows the largest
 * change ({@code selectPolicy: Max}, the default).
 *
 * @param scaleUpWindowSeconds scale-up stabilisation window
 * @param scaleDownWindowSeconds scale-down stabilisation window
 * @param scaleUp scale-up rate limits
 * @param scaleDown scale-down rate limits
 */
public record HpaBehavior(double scaleUpWindowSeconds, double scaleDownWindowSeconds,
    List<Policy> scaleUp, List<Policy> scaleDown) {

  /** One rate limit: at most {@code value} pods, or {@code value} percent, per {@code periodSeconds}. */
  public record Policy(Type type, int value, double periodSeconds) {
    public enum Type { PODS, PERCENT }

    public Policy {
      if (type == null || value < 0 || !(periodSeconds > 0)) {
        throw new IllegalArgumentException("an HPA scaling policy needs a type, a value >= 0 and a positive period");
      }
    }
  }

  public HpaBehavior {
    if (!(scaleUpWindowSeconds >= 0) || !(scaleDownWindowSeconds >= 0)) {
      throw new IllegalArgumentException("stabilisation windows must be >= 0 s");
    }
    if (scaleUp.isEmpty() || scaleDown.isEmpty()) {
      throw new IllegalArgumentException("each direction needs at least one scaling policy");
    }
    scaleUp = List.copyOf(scaleUp);
    scaleDown = List.copyOf(scaleDown);
  }

  /**
   * The Kubernetes defaults: scale up at once by at most max(100%, 4 pods) per 15 s; scale down by
   * at most 100% per 15 s, after a 300 s stabilisation window.
   */
  public static HpaBehavior defaults() {
    return new HpaBehavior(0, 300,
        List.of(new Policy(Policy.Type.PERCENT, 100, 15), new Policy(Policy.Type.PODS, 4, 15)),
        List.of(new Policy(Policy.Type.PERCENT, 100, 15)));
  }
}
