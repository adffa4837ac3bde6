package io.stableserve.decide;

/**
 * One kind of replica a service may run (a GPU type, on-demand or spot): its stable rate μ_v, from
 * its own engine and the stability model, its cost per replica-hour and the replicas it may have.
 *
 * @param stableRate μ_v, requests per second one replica of this variant holds, positive
 * @param costPerHour the cost of one replica for an hour, in whatever currency the user prices in, >= 0
 * @param min the fewest replicas of this variant, >= 0 (a variant may be unused)
 * @param max the most, >= min
 */
public record Variant(String name, double stableRate, double costPerHour, int min, int max) {

  public Variant {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a variant needs a name");
    }
    if (!(stableRate > 0) || Double.isInfinite(stableRate)) {
      throw new IllegalArgumentException("variant " + name + ": stable rate must be a finite number > 0, got " + stableRate);
    }
    if (!(costPerHour >= 0) || Double.isInfinite(costPerHour)) {
      throw new IllegalArgumentException("variant " + name + ": cost per replica-hour must be a finite number >= 0, got " + costPerHour);
    }
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("variant " + name + ": replicas must satisfy 0 <= min <= max, got min " + min + ", max " + max);
    }
  }

  /** What one request per second of capacity costs an hour on this variant. */
  public double costPerCapacity() {
    return costPerHour / stableRate;
  }
}
