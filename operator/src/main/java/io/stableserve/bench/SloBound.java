package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * The SLO bound: what knowing the future costs when it must also meet the SLO. The oracle's
 * per-minute replica counts n_k ({@link Oracle}) times one uniform factor f, ⌈f · n_k⌉ within the
 * replica range, run in the same fleet as the policies, with the same start-up delay: each replica is
 * asked for a start-up delay S ahead of the minute that needs it (the count asked for at t is the
 * largest of the minutes that [t, t + S] touches), so that it serves from the minute's first second,
 * and its start-up and drain are paid for like every policy's. Its GPU-hours are the fleet's.
 *
 * <p>The factor is searched on a grid of steps of {@value #FACTOR_STEP} from {@value #LOWEST_FACTOR}
 * up to what the replica cap allows: the first factor at which even the oracle's quietest minute
 * reaches the cap (beyond it every minute is at the cap and nothing changes). It is the smallest
 * factor whose run has {@value #TARGET_ATTAINMENT} of first tokens within the target; where no
 * factor within the cap does, the smallest whose run reaches StableServe's attainment; where none
 * does either, the cap's factor (marked so). The search bisects the grid, which assumes that more
 * replicas in every minute never serve fewer requests in time (the reported factor meets its target
 * and the grid point below it, when probed, does not).
 */
public final class SloBound extends PlannedCounts {

  public static final String NAME = "SLO bound";
  public static final double TARGET_ATTAINMENT = 0.99;
  public static final double FACTOR_STEP = 0.05;
  public static final double LOWEST_FACTOR = 0.5;

  /** What the factor was chosen for. */
  public enum Basis {
    /** The smallest factor that serves {@link #TARGET_ATTAINMENT} in time. */
    SLO,
    /** No factor within the cap does: the smallest that serves StableServe's share in time. */
    STABLESERVE,
    /** No factor within the cap reaches either: the cap's factor. */
    CAP
  }

  /**
   * The search's outcome.
   *
   * @param probes the attainment of every factor run, in the order run
   */
  public record Result(double factor, RunResult run, Basis basis, Map<Double, Double> probes) {

    /** The factor and why it was chosen, for the report. */
    public String setting() {
      return String.format(Locale.ROOT, "×%.2f (%s)", factor, why());
    }

    /** Why the factor was chosen, in a few words. */
    public String why() {
      return switch (basis) {
        case SLO -> "99% in time";
        case STABLESERVE -> "StableServe's share";
        case CAP -> "cap";
      };
    }
  }

  private final int[] schedule;
  private final double intervalSeconds;
  private final double startupSeconds;
  private final double factor;

  private SloBound(int[] schedule, double intervalSeconds, double startupSeconds, double factor) {
    this.schedule = schedule;
    this.intervalSeconds = intervalSeconds;
    this.startupSeconds = startupSeconds;
    this.factor = factor;
  }

  /** The oracle's plan times {@code factor}, asked for {@code startupSeconds} ahead. */
  public static SloBound of(Oracle oracle, double factor, ReplicaRange range, double startupSeconds) {
    if (!(factor > 0) || !(startupSeconds >= 0)) {
      throw new IllegalArgumentException("factor must be positive and start-up >= 0, got " + factor + " and " + startupSeconds);
    }
    return new SloBound(scaled(oracle, factor, range), oracle.intervalSeconds(), startupSeconds, factor);
  }

  /** The oracle's counts times {@code factor}, rounded up, within the range. */
  static int[] scaled(Oracle oracle, double factor, ReplicaRange range) {
    int[] base = oracle.schedule();
    int[] scaled = new int[base.length];
    for (int k = 0; k < base.length; k++) {
      scaled[k] = range.clamp((int) Math.ceil(factor * base[k] - 1e-9));
    }
    return scaled;
  }

  /** The factors searched for an oracle's plan: from the lowest to the first that takes its quietest minute to the cap. */
  public static List<Double> factors(Oracle oracle, ReplicaRange range) {
    int quietest = Integer.MAX_VALUE;
    for (int n : oracle.schedule()) {
      quietest = Math.min(quietest, n);
    }
    return factorsUpTo((double) range.max() / Math.max(1, quietest));
  }

  /** The grid of factors from the lowest to the first at or beyond {@code reach}. */
  static List<Double> factorsUpTo(double reach) {
    int steps = Math.max(0, (int) Math.ceil((reach - LOWEST_FACTOR) / FACTOR_STEP - 1e-9));
    List<Double> out = new ArrayList<>(steps + 1);
    for (int i = 0; i <= steps; i++) {
      out.add(Math.round((LOWEST_FACTOR + i * FACTOR_STEP) * 100) / 100.0);
    }
    return out;
  }

  /**
   * Finds the factor. {@code run} runs the bound at a factor in the fleet; {@code stableServeAttainment}
   * is the share to reach when no factor reaches {@link #TARGET_ATTAINMENT}.
   */
  public static Result search(List<Double> factors, DoubleFunction<RunResult> run, double stableServeAttainment) {
    if (factors.isEmpty()) {
      throw new IllegalArgumentException("no factor to search");
    }
    Map<Integer, RunResult> runs = new LinkedHashMap<>();
    Map<Double, Double> probes = new LinkedHashMap<>();
    java.util.function.IntFunction<RunResult> at = i -> runs.computeIfAbsent(i, j -> {
      RunResult r = run.apply(factors.get(j));
      probes.put(factors.get(j), r.sloAttainment());
      return r;
    });
    int top = factors.size() - 1;
    double highest = at.apply(top).sloAttainment();
    double target;
    Basis basis;
    if (highest >= TARGET_ATTAINMENT) {
      target = TARGET_ATTAINMENT;
      basis = Basis.SLO;
    } else if (highest >= stableServeAttainment) {
      target = stableServeAttainment;
      basis = Basis.STABLESERVE;
    } else {
      return new Result(factors.get(top), at.apply(top), Basis.CAP, Collections.unmodifiableMap(probes));
    }
    int lo = 0;
    int hi = top;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (at.apply(mid).sloAttainment() >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return new Result(factors.get(hi), at.apply(hi), basis, Collections.unmodifiableMap(probes));
  }

  public double factor() {
    return factor;
  }

  /** The replicas of each interval, scaled. */
  public int[] schedule() {
    return schedule.clone();
  }

  /** The replicas to have asked for at {@code t}: the most of any interval that [t, t + S] touches. */
  @Override
  public int desired(double t) {
    return mostAhead(schedule, intervalSeconds, startupSeconds, t);
  }

  /** The most of any interval of {@code schedule} that [t, t + S] touches: what to have asked for at t. */
  static int mostAhead(int[] schedule, double intervalSeconds, double startupSeconds, double t) {
    return most(schedule, (int) Math.floor(t / intervalSeconds), (int) Math.floor((t + startupSeconds) / intervalSeconds));
  }

  /** The largest count of the intervals {@code first} to {@code last}, each clamped to the schedule. */
  static int most(int[] schedule, int first, int last) {
    int to = Math.max(0, Math.min(schedule.length - 1, last));
    int from = Math.max(0, Math.min(to, first));
    int most = 0;
    for (int k = from; k <= to; k++) {
      most = Math.max(most, schedule[k]);
    }
    return most;
  }

  @Override
  public String name() {
    return NAME;
  }
}
