package io.stableserve.sim.arrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Trace;
import io.stableserve.workload.Workload;
import io.stableserve.workload.WorkloadMix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestSourceTest {

  static final Workload CHAT = new IndependentLengths(LengthDistribution.parse("uniform:10:100"),
      LengthDistribution.parse("fixed:50"));
  static final Workload LONG = new IndependentLengths(LengthDistribution.parse("fixed:4000"),
      LengthDistribution.parse("fixed:20"));

  static List<Arrival> until(RequestSource source, double end) {
    List<Arrival> out = new ArrayList<>();
    double last = 0;
    while (source.nextTime() < end) {
      Arrival a = source.next();
      assertThat(a.time()).isGreaterThanOrEqualTo(last);
      last = a.time();
      out.add(a);
    }
    return out;
  }

  @Test
  void poissonHasItsRateAndExponentialGaps() {
    List<Arrival> arrivals = until(PoissonSource.constant(5, CHAT, 11), 20_000);
    assertThat(arrivals.size() / 20_000.0).isCloseTo(5, within(0.1));
    double mean = 0, square = 0;
    for (int i = 1; i < arrivals.size(); i++) {
      double gap = arrivals.get(i).time() - arrivals.get(i - 1).time();
      mean += gap;
      square += gap * gap;
    }
    int n = arrivals.size() - 1;
    mean /= n;
    double scv = (square / n - mean * mean) / (mean * mean);
    assertThat(scv).isCloseTo(1, within(0.05));
    assertThat(arrivals).allSatisfy(a -> {
      assertThat(a.promptTokens()).isBetween(10, 100);
      assertThat(a.outputTokens()).isEqualTo(50);
    });
  }

  @Test
  void phasesChangeTheRateAndShiftTheWorkload() {
    PoissonSource source = new PoissonSource(List.of(
        Phase.constant(1000, 2, CHAT),
        new Phase(1000, 2, 10, CHAT),
        Phase.constant(1000, 4, LONG)), false, 5);
    List<Arrival> arrivals = until(source, Double.POSITIVE_INFINITY);
    long first = arrivals.stream().filter(a -> a.time() < 1000).count();
    long rampLow = arrivals.stream().filter(a -> a.time() >= 1000 && a.time() < 1500).count();
    long rampHigh = arrivals.stream().filter(a -> a.time() >= 1500 && a.time() < 2000).count();
    List<Arrival> third = arrivals.stream().filter(a -> a.time() >= 2000).toList();
    assertThat(first).isBetween(1800L, 2200L);
    // The ramp's halves average 4 and 8 req/s.
    assertThat(rampLow).isBetween(1800L, 2200L);
    assertThat(rampHigh).isBetween(3700L, 4300L);
    assertThat(third.size()).isBetween(3700, 4300);
    assertThat(third).allSatisfy(a -> assertThat(a.promptTokens()).isEqualTo(4000));
    assertThat(arrivals.get(arrivals.size() - 1).time()).isLessThan(3000);
    assertThat(source.nextTime()).isInfinite();
    assertThatThrownBy(source::next).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void mixesDrawClassesByShare() {
    WorkloadMix mix = new WorkloadMix(List.of(new WorkloadMix.Share(0.25, LONG), new WorkloadMix.Share(0.75, CHAT)));
    List<Arrival> arrivals = until(PoissonSource.constant(10, mix, 3), 2000);
    double longShare = arrivals.stream().filter(a -> a.promptTokens() == 4000).count() / (double) arrivals.size();
    assertThat(longShare).isCloseTo(0.25, within(0.02));
  }

  static final Trace TRACE = new Trace("t", new double[] {0, 1, 3, 6}, new int[] {10, 20, 30, 40},
      new int[] {1, 2, 3, 4});

  @Test
  void traceReplayCompressesTimeAndKeepsLengths() {
    List<Arrival> arrivals = until(new TraceReplay(TRACE, 2, 1, false, 1), Double.POSITIVE_INFINITY);
    assertThat(arrivals).containsExactly(new Arrival(0, 10, 1), new Arrival(0.5, 20, 2), new Arrival(1.5, 30, 3),
        new Arrival(3, 40, 4));
  }

  @Test
  void traceReplayLoopsAfterTheMeanGap() {
    TraceReplay replay = new TraceReplay(TRACE, 1, 1, true, 1);
    List<Arrival> arrivals = until(replay, 16);
    // Period = span 6 + mean gap 2 = 8 s.
    assertThat(arrivals).extracting(Arrival::time).containsExactly(0.0, 1.0, 3.0, 6.0, 8.0, 9.0, 11.0, 14.0);
    assertThat(replay.meanRate()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void rateScaleMultipliesRequestsWithoutSimultaneousCopies() {
    TraceReplay replay = new TraceReplay(TRACE, 1, 2.5, true, 9);
    List<Arrival> arrivals = until(replay, 8 * 2000);
    assertThat(arrivals.size() / (4.0 * 2000)).isCloseTo(2.5, within(0.05));
    long simultaneous = 0;
    for (int i = 1; i < arrivals.size(); i++) {
      if (arrivals.get(i).time() == arrivals.get(i - 1).time()) {
        simultaneous++;
      }
    }
    assertThat(simultaneous).isZero();
    assertThatThrownBy(() -> new TraceReplay(TRACE, 0, 1, false, 1)).hasMessageContaining("time scale");
  }

  @Test
  void mergedStreamsInterleaveInTimeOrder() {
    RequestSource trace = new TraceReplay(TRACE, 1, 1, false, 1);
    RequestSource burst = new PoissonSource(List.of(Phase.constant(2, 0.0001, CHAT), Phase.constant(1, 50, LONG)),
        false, 4);
    List<Arrival> merged = until(new MergedSource(List.of(trace, burst)), Double.POSITIVE_INFINITY);
    long fromTrace = merged.stream().filter(a -> a.promptTokens() <= 40).count();
    long fromBurst = merged.stream().filter(a -> a.promptTokens() == 4000).count();
    assertThat(fromTrace).isEqualTo(4);
    assertThat(fromBurst).isBetween(30L, 75L);
    assertThat(merged).filteredOn(a -> a.promptTokens() == 4000)
        .allSatisfy(a -> assertThat(a.time()).isBetween(2.0, 3.0));
  }
}
