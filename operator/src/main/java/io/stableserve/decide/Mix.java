package io.stableserve.decide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.ToDoubleFunction;

/** A replica count per variant, in the order of the service's variants. */
public record Mix(List<Integer> counts) {

  public Mix {
    counts = List.copyOf(counts);
    for (int n : counts) {
      if (n < 0) {
        throw new IllegalArgumentException("replica counts must be >= 0, got " + counts);
      }
    }
  }

  public static Mix of(int... counts) {
    return new Mix(Arrays.stream(counts).boxed().toList());
  }

  public int count(int variant) {
    return counts.get(variant);
  }

  public int size() {
    return counts.size();
  }

  public int replicas() {
    int n = 0;
    for (int c : counts) {
      n += c;
    }
    return n;
  }

  public int[] toArray() {
    return counts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Σ n_v·μ_v, requests per second. */
  public double capacity(List<Variant> variants) {
    return sum(variants, Variant::stableRate);
  }

  /** Σ n_v·c_v, per hour. */
  public double costPerHour(List<Variant> variants) {
    return sum(variants, Variant::costPerHour);
  }

  private double sum(List<Variant> variants, ToDoubleFunction<Variant> perReplica) {
    check(variants);
    double total = 0;
    for (int v = 0; v < counts.size(); v++) {
      total += counts.get(v) * perReplica.applyAsDouble(variants.get(v));
    }
    return total;
  }

  /** Whether every count is within its variant's bounds. */
  public boolean withinBounds(List<Variant> variants) {
    check(variants);
    for (int v = 0; v < counts.size(); v++) {
      if (counts.get(v) < variants.get(v).min() || counts.get(v) > variants.get(v).max()) {
        return false;
      }
    }
    return true;
  }

  /** The replicas this mix has beyond {@code from}, per variant. */
  public Mix addedTo(Mix from) {
    if (from.size() != size()) {
      throw new IllegalArgumentException("mixes of " + size() + " and " + from.size() + " variants");
    }
    List<Integer> added = new ArrayList<>(size());
    for (int v = 0; v < size(); v++) {
      added.add(Math.max(0, counts.get(v) - from.count(v)));
    }
    return new Mix(added);
  }

  /** e.g. {@code h100 3 + a100 2}. */
  public String describe(List<Variant> variants) {
    check(variants);
    StringJoiner j = new StringJoiner(" + ");
    for (int v = 0; v < counts.size(); v++) {
      j.add(String.format(Locale.ROOT, "%s %d", variants.get(v).name(), counts.get(v)));
    }
    return j.toString();
  }

  private void check(List<Variant> variants) {
    if (variants.size() != counts.size()) {
      throw new IllegalArgumentException("a mix of " + counts.size() + " counts for " + variants.size() + " variants");
    }
  }
}
