package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaRange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** The path from StableServe's exported count to the replicas: its delays, the HPA's tolerance and its window. */
class StableServeThroughKedaTest {

  static final ReplicaRange RANGE = new ReplicaRange(1, 40);

  /** An operator that exports {@code count(t)} at each of its decisions, every 15 s. */
  static Autoscaler exporting(IntUnaryOperator count) {
    return new Autoscaler() {
      @Override
      public String name() {
        return "exporting";
      }

      @Override
      public double periodSeconds() {
        return 15;
      }

      @Override
      public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
        return count.applyAsInt((int) metrics.now());
      }
    };
  }

  /** Runs the path second by second from {@code replicas}; returns the replicas at each second 1..seconds. */
  static List<Integer> run(StableServeThroughKeda path, int replicas, int seconds) {
    FleetMetrics metrics = new FleetMetrics(600);
    List<Integer> out = new ArrayList<>();
    for (int t = 1; t <= seconds; t++) {
      metrics.record(new FleetMetrics.Scrape(t, List.of(), 0));
      replicas = path.decide(metrics, replicas, replicas);
      out.add(replicas);
    }
    return out;
  }

  @Test
  void theCountArrivesAScrapeAndAReadAfterTheDecision() {
    // Decisions at 15, 30, … s; scrapes half an interval later, at 22.5, 37.5, … s (each second is
    // checked, so 23, 38, …); reads half a read after the first scrape, at 30, 45, … s. The 6 decided
    // at 30 s is scraped at 38 s and read at 45 s.
    StableServeThroughKeda path = new StableServeThroughKeda(exporting(t -> t >= 30 ? 6 : 2), RANGE,
        StableServeThroughKeda.Path.RECOMMENDED);
    List<Integer> replicas = run(path, 2, 90);
    assertThat(replicas.indexOf(6) + 1).as("the second the replicas became 6").isEqualTo(45);
  }

  @Test
  void theDefaultToleranceSwallowsOneReplicaInTen() {
    List<Integer> tolerant = run(new StableServeThroughKeda(exporting(t -> 11), RANGE,
        StableServeThroughKeda.Path.DEFAULT_TOLERANCE), 10, 300);
    assertThat(tolerant).containsOnly(10);
    List<Integer> exact = run(new StableServeThroughKeda(exporting(t -> 11), RANGE, StableServeThroughKeda.Path.RECOMMENDED), 10, 300);
    assertThat(exact).endsWith(11);
  }

  @Test
  void theHpasDefaultWindowHoldsAScaleDownForFiveMinutesMore() {
    List<Integer> defaults = run(new StableServeThroughKeda(exporting(t -> 3), RANGE, StableServeThroughKeda.Path.DEFAULTS), 6, 400);
    List<Integer> recommended = run(new StableServeThroughKeda(exporting(t -> 3), RANGE, StableServeThroughKeda.Path.RECOMMENDED),
        6, 400);
    assertThat(recommended.indexOf(3) + 1).isEqualTo(30);
    // The HPA's first recommendation (6, its count on creation) stands for 300 s.
    assertThat(defaults.indexOf(3) + 1).isGreaterThan(300).isLessThanOrEqualTo(330);
  }

  @Test
  void cachedMetricsReadEveryPollingInterval() {
    StableServeThroughKeda path = new StableServeThroughKeda(exporting(t -> t >= 30 ? 6 : 2), RANGE,
        StableServeThroughKeda.Path.CACHED);
    // Scrapes at 22.5, 37.5, … s; reads every 30 s from 37.5 s, with the scrape of the same second:
    // the 6 decided at 30 s is read at 38 s. Decided at 45 s instead, it waits for the read at 68 s.
    assertThat(run(path, 2, 120).indexOf(6) + 1).isEqualTo(38);
    StableServeThroughKeda later = new StableServeThroughKeda(exporting(t -> t >= 45 ? 6 : 2), RANGE,
        StableServeThroughKeda.Path.CACHED);
    assertThat(run(later, 2, 120).indexOf(6) + 1).isEqualTo(68);
  }
}
