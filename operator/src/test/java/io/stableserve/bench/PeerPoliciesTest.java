package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.bench.FleetMetrics.PodReading;
import io.stableserve.bench.FleetMetrics.Scrape;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerPoliciesTest {

  private final ReplicaRange range = new ReplicaRange(1, 40);

  private static FleetMetrics metrics(Scrape... scrapes) {
    FleetMetrics m = new FleetMetrics(600);
    for (Scrape s : scrapes) {
      m.record(s);
    }
    return m;
  }

  private static PodReading pod(int replica, int running, int waiting, double kv) {
    return new PodReading(replica, false, running, waiting, kv);
  }

  @Test
  void hpaOnKvCacheReadsTheLatestUsageOfServingPodsOnly() {
    FleetMetrics m = metrics(new Scrape(10, List.of(pod(0, 50, 0, 0.95), pod(1, 50, 0, 0.93),
        new PodReading(2, true, 10, 0, 0.1)), 0));
    // (0.95 + 0.93) / 2 / 0.8 = 1.175: ⌈2.35⌉ = 3; the draining pod is left out
    assertThat(KvCacheHpa.withDefaults(range).decide(m, 2, 2)).isEqualTo(3);
  }

  @Test
  void kedaSumsTheWaitingRequestsOfEveryScrapedPod() {
    FleetMetrics m = metrics(new Scrape(10, List.of(pod(0, 100, 12, 0.9), pod(1, 100, 8, 0.9),
        new PodReading(2, true, 10, 3, 0.5)), 40));
    // (12 + 8 + 3) / 5 = 4.6: 5 (requests at the router are not in any vLLM gauge)
    assertThat(KedaQueueScaler.withDefaults(range).decide(m, 3, 2)).isEqualTo(5);
  }

  @Test
  void saturationAnalysisFollowsTheDocumentedThresholds() {
    // spare KV 0.8 − 0.5 = 0.3, spare queue 5: no scale-up; one pod fewer: 0.8 − 1.0 < 0.1: hold
    assertThat(SaturationScaler.analyze(new double[] {0.5, 0.5}, new double[] {0, 0})).isEqualTo(SaturationScaler.Verdict.HOLD);
    // one pod fewer: 0.8 − 0.6 / 2 = 0.5 ≥ 0.1 and queue spare 5 ≥ 3: scale down
    assertThat(SaturationScaler.analyze(new double[] {0.2, 0.2, 0.2}, new double[] {0, 0, 0}))
        .isEqualTo(SaturationScaler.Verdict.SCALE_DOWN);
    // spare KV 0.8 − 0.735 = 0.065 < 0.1: scale up
    assertThat(SaturationScaler.analyze(new double[] {0.75, 0.72}, new double[] {0, 0})).isEqualTo(SaturationScaler.Verdict.SCALE_UP);
    // the first pod is saturated (KV ≥ 0.8); the other has spare queue 5 − 3 = 2 < 3: scale up
    assertThat(SaturationScaler.analyze(new double[] {0.9, 0.3}, new double[] {0, 3})).isEqualTo(SaturationScaler.Verdict.SCALE_UP);
    // every pod saturated (queue ≥ 5)
    assertThat(SaturationScaler.analyze(new double[] {0.1, 0.1}, new double[] {5, 9})).isEqualTo(SaturationScaler.Verdict.SCALE_UP);
  }

  @Test
  void saturationScalerUsesTheMinutePeakAndMovesOneReplicaAtATime() {
    FleetMetrics m = metrics(
        new Scrape(10, List.of(pod(0, 10, 0, 0.85), pod(1, 10, 0, 0.2)), 0),
        new Scrape(50, List.of(pod(0, 10, 0, 0.2), pod(1, 10, 0, 0.2)), 0));
    // pod 0's peak over the minute (0.85) makes it saturated; pod 1 alone has spare 0.6: hold at 2
    assertThat(new SaturationScaler(range).decide(m, 2, 2)).isEqualTo(2);
    m.record(new Scrape(75, List.of(pod(0, 10, 0, 0.75), pod(1, 10, 0, 0.75)), 0));
    assertThat(new SaturationScaler(range).decide(m, 2, 2)).as("peaks 0.75 and 0.75: spare 0.05").isEqualTo(3);
    assertThat(new SaturationScaler(range).decide(m, 3, 2)).as("a replica still starting: no more").isEqualTo(3);
  }

  @Test
  void kpaFollowsTheStableWindowOutsidePanic() {
    KnativeKpa kpa = new KnativeKpa(range, 70);
    // 350 / 70 = 5 stable and panic; 5 / 5 < 2: no panic
    assertThat(kpa.desired(0, 350, 350, 5)).isEqualTo(5);
    assertThat(kpa.panicking()).isFalse();
    // nothing in flight: at most halve the ready pods per tick (max scale-down rate 2)
    assertThat(kpa.desired(2, 0, 0, 10)).isEqualTo(5);
  }

  @Test
  void kpaPanicsAtTwiceTheReadyPodsAndDoesNotScaleDownUntilAStableWindowPasses() {
    KnativeKpa kpa = new KnativeKpa(range, 70);
    // panic count ⌈700 / 70⌉ = 10 ≥ 2 · 2 ready: panic, take 10
    assertThat(kpa.desired(0, 140, 700, 2)).isEqualTo(10);
    assertThat(kpa.panicking()).isTrue();
    // the surge is gone but the stable window has not passed: keep 10
    assertThat(kpa.desired(30, 140, 140, 10)).isEqualTo(10);
    // 62 s after the last panic tick: out of panic, back to ⌈140 / 70⌉ = 2, at most halving
    assertThat(kpa.desired(62, 140, 140, 10)).isEqualTo(5);
    assertThat(kpa.panicking()).isFalse();
  }

  @Test
  void kpaCountsRequestsInPodsAndAtTheRouter() {
    FleetMetrics m = metrics(
        new Scrape(1, List.of(pod(0, 60, 10, 0.5)), 0),
        new Scrape(2, List.of(pod(0, 60, 10, 0.5)), 70));
    // stable average over both scrapes: (70 + 140) / 2 = 105 → 2; panic the same; 2 / 1 ≥ 2: panic → 2
    assertThat(new KnativeKpa(range, 70).decide(m, 1, 1)).isEqualTo(2);
  }
}
