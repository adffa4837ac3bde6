package io.stableserve.sim.arrivals;

import io.stableserve.workload.Trace;
import java.util.Locale;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * A trace replayed with its own arrival times and lengths, compressed in time and scaled in rate.
 *
 * <p>Time scale X replays the trace X times faster (request i arrives at tᵢ / X), which multiplies
 * the rate by X and keeps its shape and burstiness. Rate scale R keeps the time axis and multiplies
 * the number of requests: each trace request yields ⌊R⌋ copies plus one more with probability
 * R − ⌊R⌋; the first copy keeps the request's time, the others fall uniformly between it and the
 * next request, so the rate profile is kept and copies are not simultaneous. Copies keep the
 * original lengths. With {@code loop} the trace starts over after its last request (the gap before
 * the restart is the trace's mean inter-arrival gap).
 */
public final class TraceReplay implements RequestSource {

  private final Trace trace;
  private final double timeScale;
  private final double rateScale;
  private final boolean loop;
  private final RandomGenerator random;
  private final double period;
  private final double[] pending = new double[64];
  private int pendingCount;
  private int pendingIndex;
  private int row;
  private int lap;
  private int pendingRow;

  public TraceReplay(Trace trace, double timeScale, double rateScale, boolean loop, long seed) {
    if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
      throw new IllegalArgumentException("time scale must be a positive finite factor, got " + timeScale);
    }
    if (!(rateScale > 0) || rateScale > 64 || Double.isInfinite(rateScale)) {
      throw new IllegalArgumentException("rate scale must be a factor in (0, 64], got " + rateScale);
    }
    this.trace = trace;
    this.timeScale = timeScale;
    this.rateScale = rateScale;
    this.loop = loop;
    this.random = new MersenneTwister(seed);
    double span = trace.durationSeconds();
    double gap = trace.size() > 1 ? span / (trace.size() - 1) : 1.0;
    this.period = span + gap;
    refill();
  }

  /** Arrival time of trace row i on lap k, on the replay's clock, before time scaling. */
  private double traceTime(int i, int k) {
    return trace.arrivalSeconds(i) - trace.arrivalSeconds(0) + k * period;
  }

  private void refill() {
    pendingCount = 0;
    pendingIndex = 0;
    while (pendingCount == 0) {
      if (row == trace.size()) {
        if (!loop) {
          return;
        }
        row = 0;
        lap++;
      }
      double t = traceTime(row, lap);
      double nextT = row + 1 < trace.size() ? traceTime(row + 1, lap) : traceTime(0, lap + 1);
      int copies = (int) Math.floor(rateScale);
      if (random.nextDouble() < rateScale - copies) {
        copies++;
      }
      for (int c = 0; c < copies; c++) {
        pending[pendingCount++] = c == 0 ? t : t + random.nextDouble() * (nextT - t);
      }
      java.util.Arrays.sort(pending, 0, pendingCount);
      pendingRow = row;
      row++;
    }
  }

  @Override
  public double nextTime() {
    return pendingIndex < pendingCount ? pending[pendingIndex] / timeScale : Double.POSITIVE_INFINITY;
  }

  @Override
  public Arrival next() {
    if (pendingIndex >= pendingCount) {
      throw new IllegalStateException("no more requests");
    }
    Arrival a = new Arrival(pending[pendingIndex++] / timeScale, Math.max(1, trace.promptTokens(pendingRow)),
        Math.max(1, trace.outputTokens(pendingRow)));
    if (pendingIndex == pendingCount) {
      refill();
    }
    return a;
  }

  /** Mean request rate of the replay, requests per second. */
  public double meanRate() {
    return trace.size() * rateScale * timeScale / period;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "trace %s replayed %.4gx faster, %.4gx the requests%s (%.4g req/s)",
        trace.name(), timeScale, rateScale, loop ? ", looped" : "", meanRate());
  }
}
