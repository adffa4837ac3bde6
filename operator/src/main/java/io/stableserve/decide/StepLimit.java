package io.stableserve.decide;

/**
 * The most replicas one scaling action may add (or remove): the larger of an absolute count and a
 * percentage of the current replicas, like a Kubernetes HPA policy pair with {@code selectPolicy:
 * Max}. Zero in both means no limit. A limit that allows something always allows at least one
 * replica, so a percentage of zero current replicas cannot freeze scaling.
 *
 * @param replicas at most this many replicas per action (0: no absolute limit)
 * @param percent at most this percentage of the current replicas per action (0: no percentage limit)
 */
public record StepLimit(int replicas, int percent) {

  private static final StepLimit NONE = new StepLimit(0, 0);

  public StepLimit {
    if (replicas < 0) {
      throw new IllegalArgumentException("step limit replicas must be >= 0 (0 means none), got " + replicas);
    }
    if (percent < 0) {
      throw new IllegalArgumentException("step limit percent must be >= 0 (0 means none), got " + percent);
    }
  }

  public static StepLimit none() {
    return NONE;
  }

  public static StepLimit ofReplicas(int replicas) {
    return new StepLimit(replicas, 0);
  }

  public static StepLimit ofPercent(int percent) {
    return new StepLimit(0, percent);
  }

  public boolean isUnlimited() {
    return replicas == 0 && percent == 0;
  }

  /** The largest change allowed from {@code current} replicas; {@link Integer#MAX_VALUE} when unlimited. */
  public int maxChange(int current) {
    if (isUnlimited()) {
      return Integer.MAX_VALUE;
    }
    long byPercent = (long) Math.ceil(current * (percent / 100.0));
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.max(replicas, byPercent)));
  }

  @Override
  public String toString() {
    if (isUnlimited()) {
      return "no limit";
    }
    if (percent == 0) {
      return replicas + " replicas per action";
    }
    if (replicas == 0) {
      return percent + "% per action";
    }
    return "max(" + replicas + " replicas, " + percent + "%) per action";
  }
}
