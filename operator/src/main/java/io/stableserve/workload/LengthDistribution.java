package io.stableserve.workload;

import java.util.Locale;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Distribution of a token length (prompt or output) with the moments the stability model needs.
 * Moments are those of the continuous distribution, as the paper uses them.
 */
public sealed interface LengthDistribution permits LengthDistribution.Fixed, LengthDistribution.Uniform {

  double mean();

  double meanSquare();

  /** Essential supremum: the largest length this distribution produces. */
  double max();

  /** E[⌈X / chunk⌉]: the number of prefill chunks (steps) a prompt of this length needs. */
  double meanChunks(int chunkTokens);

  /** A length drawn at random, rounded to whole tokens, at least 1 when the distribution allows it. */
  int sample(RandomGenerator random);

  String describe();

  /** Parses {@code fixed:N} or {@code uniform:A:B}. */
  static LengthDistribution parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("length distribution is empty; expected fixed:N or uniform:A:B");
    }
    String[] parts = spec.trim().split(":");
    try {
      switch (parts[0].toLowerCase(Locale.ROOT)) {
        case "fixed":
          if (parts.length != 2) {
            break;
          }
          return new Fixed(Double.parseDouble(parts[1]));
        case "uniform":
          if (parts.length != 3) {
            break;
          }
          return new Uniform(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
        default:
          break;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "length distribution '" + spec + "' has a bound that is not a number; expected fixed:N or uniform:A:B", e);
    }
    throw new IllegalArgumentException(
        "unknown length distribution '" + spec + "'; expected fixed:N or uniform:A:B");
  }

  private static void checkLength(String what, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number of tokens, got " + value);
    }
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + value);
    }
  }

  /** Every request has the same length. */
  record Fixed(double length) implements LengthDistribution {
    public Fixed {
      checkLength("fixed length", length);
    }

    @Override
    public double mean() {
      return length;
    }

    @Override
    public double meanSquare() {
      return length * length;
    }

    @Override
    public double max() {
      return length;
    }

    @Override
    public double meanChunks(int chunkTokens) {
      return Math.ceil(length / chunkTokens);
    }

    @Override
    public int sample(RandomGenerator random) {
      return (int) Math.round(length);
    }

    @Override
    public String describe() {
      return "fixed:" + format(length);
    }
  }

  /** Continuous uniform on [low, high]. */
  record Uniform(double low, double high) implements LengthDistribution {
    public Uniform {
      checkLength("uniform lower bound", low);
      checkLength("uniform upper bound", high);
      if (high < low) {
        throw new IllegalArgumentException(
            "uniform bounds are reversed: lower " + format(low) + " is above upper " + format(high));
      }
    }

    @Override
    public double mean() {
      return (low + high) / 2;
    }

    @Override
    public double meanSquare() {
      return (low * low + low * high + high * high) / 3;
    }

    @Override
    public double max() {
      return high;
    }

    @Override
    public double meanChunks(int chunkTokens) {
      if (high == low) {
        return Math.ceil(low / chunkTokens);
      }
      // ⌈x/ŝ⌉ is a step function: integrate it piece by piece over [low, high].
      double total = 0;
      long first = Math.max(1, (long) Math.ceil(low / chunkTokens));
      for (long k = first; (double) (k - 1) * chunkTokens < high; k++) {
        double from = Math.max(low, (double) (k - 1) * chunkTokens);
        double to = Math.min(high, (double) k * chunkTokens);
        total += k * (to - from);
      }
      return total / (high - low);
    }

    @Override
    public int sample(RandomGenerator random) {
      return (int) Math.round(low + random.nextDouble() * (high - low));
    }

    @Override
    public String describe() {
      return "uniform:" + format(low) + ":" + format(high);
    }
  }

  private static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
