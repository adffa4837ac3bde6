package io.stableserve.bench;

import io.stableserve.testing.FixedArrivals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.decide.ReplicaRange;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.sim.EngineSetup;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.FleetSpec;
import io.stableserve.sim.Router;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KEDA on P90 TTFT: Prometheus's histogram_quantile, the recording rule, and the HPA's Value target. */
class KedaTtftScalerTest {

  private final ReplicaRange range = new ReplicaRange(1, 40);

  /** Buckets le = 0.5, 1, 2.5, 5, +Inf holding 30, 30, 25, 10 and 5 requests. */
  private static final WindowHistogram HAND = new WindowHistogram("vllm:time_to_first_token_seconds", List.of(
      new WindowHistogram.Bucket(0.5, 30), new WindowHistogram.Bucket(1, 60), new WindowHistogram.Bucket(2.5, 85),
      new WindowHistogram.Bucket(5, 95), new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, 100)), 150, 100);

  @Test
  void histogramQuantileInterpolatesInsideTheBucketThatHoldsTheRank() {
    // rank 90: the le=5 bucket (85 → 95) holds it; 2.5 + (5 − 2.5) · (90 − 85) / 10 = 3.75
    assertThat(HAND.quantile(0.9).orElse(Double.NaN)).isCloseTo(3.75, within(1e-12));
    // rank 50: the le=1 bucket (30 → 60); 0.5 + 0.5 · 20 / 30
    assertThat(HAND.quantile(0.5).orElse(Double.NaN)).isCloseTo(0.5 + 0.5 * 20 / 30, within(1e-12));
    // rank 10: the first bucket, from 0; 0.5 · 10 / 30
    assertThat(HAND.quantile(0.1).orElse(Double.NaN)).isCloseTo(0.5 * 10 / 30, within(1e-12));
    // rank 99 falls in +Inf: the largest finite bound
    assertThat(HAND.quantile(0.99).orElse(Double.NaN)).isEqualTo(5.0);
    assertThat(HAND.quantile(1.5).orElse(Double.NaN)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(HAND.quantile(-0.5).orElse(Double.NaN)).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void histogramQuantileIsNaNWithoutObservationsOrWithoutAnInfBucket() {
    WindowHistogram empty = new WindowHistogram("x", List.of(new WindowHistogram.Bucket(1, 0),
        new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, 0)), 0, 0);
    assertThat(empty.quantile(0.9).orElse(Double.NaN)).isNaN();
    WindowHistogram noInf = new WindowHistogram("x", List.of(new WindowHistogram.Bucket(1, 5), new WindowHistogram.Bucket(2, 10)), 12, 10);
    assertThat(noInf.quantile(0.9).orElse(Double.NaN)).isNaN();
  }

  @Test
  void theHpaScalesAValueTargetByTheReadyPods() {
    HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(HpaBehavior.defaults(), range, HorizontalPodAutoscaler.DEFAULT_TOLERANCE);
    // 1.5 / 1 times 3 ready pods (not the 4 asked for): ⌈4.5⌉ = 5
    assertThat(hpa.externalValueReplicas(1.5, 1, 4, 3)).isEqualTo(5);
    // within the tolerance of 1: no change
    assertThat(hpa.externalValueReplicas(1.05, 1, 4, 3)).isEqualTo(4);
    assertThat(hpa.externalValueReplicas(0.5, 1, 4, 4)).isEqualTo(2);
  }

  /** A fixed list of arrivals of 100 prompt tokens and 3 output tokens. */

  /**
   * One replica whose steps take 0.125 s with a budget of 512 tokens; ten requests of 100 prompt
   * tokens at 1 s. The first starts alone on the idle engine (TTFT 0.125 s); the next step prefills
   * five more beside its decode (0.25 s), the one after the last four (0.375 s). vLLM's buckets
   * le=0.25 and le=0.5 then hold 6 and 10: P90 = 0.25 + 0.25 · (9 − 6) / 4 = 0.4375 s. Counters are
   * snapshotted at 0, 15, 60 and 75 s, as the benchmark loop does.
   */
  private static FleetMetrics fleetMetrics() {
    EngineSetup engine = EngineSetup.of(EngineConfig.of(16 * 4000, 512, new StepTimeModel(0.125, 0, 0)));
    Fleet fleet = new Fleet(FleetSpec.of(engine, 0), FixedArrivals.at(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), new Router.LeastOutstanding(), 1, 1);
    FleetMetrics m = new FleetMetrics(600);
    for (double t : new double[] {0, 15, 60}) {
      fleet.advanceTo(t);
      m.scrape(fleet);
      m.snapshotCounters(fleet);
    }
    return m;
  }

  @Test
  void theTriggerIsTheMinutesP90FromTheFleetsTtftHistogramOverTheTarget() {
    FleetMetrics m = fleetMetrics();
    assertThat(KedaTtftScaler.p90(m)).isCloseTo(0.4375, within(1e-12));

    // S_ttft = 0.25 s: 0.4375 / 0.25 = 1.75 over threshold 1, times 2 ready pods: ⌈3.5⌉ = 4
    KedaTtftScaler keda = new KedaTtftScaler(range, KedaTtftScaler.DEFAULT_THRESHOLD, 0.25, HpaBehavior.defaults());
    assertThat(keda.decide(m, 2, 2)).isEqualTo(4);
    assertThat(keda.lastSmoothed()).isCloseTo(1.75, within(1e-12));
    // a threshold of 0.5 asks for twice as much: ⌈7⌉ = 7
    assertThat(new KedaTtftScaler(range, 0.5, 0.25, HpaBehavior.defaults()).decide(m, 4, 2)).isEqualTo(7);
    // S_ttft = 0.05 s: 8.75, clamped at 2: ⌈2 · 2⌉ = 4
    KedaTtftScaler tight = new KedaTtftScaler(range, 1, 0.05, HpaBehavior.defaults());
    assertThat(tight.signal(m)).isEqualTo(KedaTtftScaler.CLAMP);
    assertThat(tight.decide(m, 2, 2)).isEqualTo(4);
  }

  @Test
  void aMinuteWithoutFirstTokensReadsZeroAndTheRuleIsAveragedOver45Seconds() {
    EngineSetup engine = EngineSetup.of(EngineConfig.of(16 * 4000, 512, new StepTimeModel(0.125, 0, 0)));
    Fleet fleet = new Fleet(FleetSpec.of(engine, 0), FixedArrivals.at(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), new Router.LeastOutstanding(), 1, 1);
    FleetMetrics m = new FleetMetrics(600);
    KedaTtftScaler keda = new KedaTtftScaler(range, 1, 0.25, HpaBehavior.defaults());
    double[] smoothed = new double[4];
    int k = 0;
    for (double t = 0; t <= 105; t += 15) {
      fleet.advanceTo(t);
      m.scrape(fleet);
      m.snapshotCounters(fleet);
      if (t >= 60) {
        keda.decide(m, 2, 2);
        smoothed[k++] = keda.lastSmoothed();
      }
    }
    // 60 s: 1.75; 75 s: the minute (15, 75] has no first token, 0: (1.75 + 0) / 2; 90 s: three samples;
    // 105 s: the 60 s sample has left the 45 s window
    assertThat(smoothed[0]).isCloseTo(1.75, within(1e-12));
    assertThat(smoothed[1]).isCloseTo(0.875, within(1e-12));
    assertThat(smoothed[2]).isCloseTo(1.75 / 3, within(1e-12));
    assertThat(smoothed[3]).isZero();
  }
}
