package io.stableserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.stableserve.api.Conditions;
import io.stableserve.api.EngineRecommendation;
import io.stableserve.api.InferenceService;
import io.stableserve.api.Mode;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.Provisioning;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The closed loop end to end: the operator process ({@code stableserve.jar run}) against the API
 * server mock, a real Prometheus scraping simulated vLLM replicas, and the replicas following the
 * Deployment the operator scales. One loop serves every scenario, each in its own namespace.
 */
public class ClosedLoopTest {

  static ClosedLoop loop;

  @BeforeAll
  static void start() {
    loop = ClosedLoop.start(Path.of("target", "closed-loop"));
  }

  @AfterAll
  static void stop() {
    if (loop != null) {
      loop.close();
    }
  }

  /**
   * A service that has run long enough for the operator to see its load: λ̂ within 30% of the
   * offered rate, stable. From one replica this can take two scale-ups, each settling up to 15 s
   * while the young window's estimates move.
   */
  static InferenceService settled(Served s, int replicas) {
    double offered = s.load().rate();
    return s.await("a stable evaluation at " + replicas + " replicas with λ̂ near " + offered, x -> x.getStatus().getCapacity() != null
        && x.getStatus().isTrue(Conditions.STABLE) && x.getStatus().getReplicas() == replicas
        && Math.abs(x.getStatus().getWorkload().getArrivalRate() - offered) < 0.3 * offered, Duration.ofSeconds(150));
  }

  /**
   * Replicas of {@link ClosedLoop#FAST_ENGINE} (about 9.8 req/s each), so that a 20 s window holds
   * enough arrivals to tell 2 replicas from 3 within the 15 s settle time; the tripled load is in the
   * middle of the model's count-3 band. Both matter: at 2.5 req/s per replica, or with the load near
   * a band's edge, one scale-up to the model's count is likely, not sure (docs/operator.md,
   * {@code StepResponseTest}).
   */
  @Test
  void loadTriplesAndTheOperatorScalesToTheModelsCountInOneDecisionBeforeTheQueueRunsAway() {
    stepResponse(loop);
  }

  /** The scenario above on any loop: {@code it/}'s ClosedLoopOnRealApiServerIT plays it on kube-apiserver. */
  public static void stepResponse(ClosedLoop loop) {
    Capacity replica = ClosedLoop.capacity(ClosedLoop.SHORT, ClosedLoop.FAST_ENGINE);
    double base = 2.5 * ClosedLoop.TARGET_UTILIZATION * replica.stableRate() / 3;
    Served s = loop.deploy("step", Mode.Enforce, base, ClosedLoop.SHORT, 1, ClosedLoop.FAST_ENGINE);
    System.out.println(Served.Row.header());
    try (Timeline timeline = new Timeline(s, 1000, row -> Timeline.print(System.out, row))) {
      InferenceService first = settled(s, 1);
      assertThat(first.getStatus().getCapacity().getBottleneck()).isEqualTo("SequenceCap");
      int before = s.rescales().size();

      s.load().set(3 * base, ClosedLoop.SHORT);
      int expected = ClosedLoop.replicasFor(3 * base, ClosedLoop.SHORT, ClosedLoop.FAST_ENGINE);
      assertThat(expected).as("the model's count for three times the load").isEqualTo(3);
      Served.awaitTrue(() -> s.specReplicas() == expected, Duration.ofSeconds(60),
          () -> "Deployment at " + s.specReplicas() + " replicas, not " + expected + "; " + s.getLine());
      InferenceService up = s.await("Stable=True at " + expected + " ready replicas",
          x -> x.getStatus().getReplicas() == expected && x.getStatus().isTrue(Conditions.STABLE), Duration.ofSeconds(60));
      assertThat(up.getStatus().getDesiredReplicas()).isEqualTo(expected);
      // The step response ends here. In the drain that follows, the window's arrival counts have
      // shown a rising line often enough (3 of about 10 runs) for a forecast to ask for one replica
      // more, while the offered rate stays flat; more than Poisson counts give (about 0.5% of steady
      // windows read as a trend), and its cause is not found yet. It is printed, not asserted.
      List<Served.Row> response = timeline.rows();
      List<Event> rescales = List.copyOf(s.rescales().subList(before, s.rescales().size()));

      // The backlog is bounded by the excess arrivals over the settle time, the detection and the
      // start-up (15 + 5 + 8 s, and slack). It waits in the first replica's queue, which drains at
      // what that replica serves beyond its third of the load, so it takes about three times as long.
      int bound = (int) Math.ceil((3 * base - replica.stableRate()) * 35);
      Duration drain = Duration.ofSeconds((long) Math.ceil(bound / (replica.stableRate() - base)) + 30);
      Served.awaitTrue(() -> s.row().queue() < 5, drain, () -> "the queue did not drain: " + s.row().format());
      List<Served.Row> rows = timeline.rows();
      assertThat(rows).allSatisfy(r -> assertThat(r.queue()).as("queue at %.0f s", r.time()).isLessThan(bound));
      assertThat(response).as("the count asked for; the rescales said %s", rescales.stream().map(Event::getMessage).toList())
          .allSatisfy(r -> assertThat(r.desired()).isLessThanOrEqualTo(expected));
      s.rescales().subList(before + rescales.size(), s.rescales().size())
          .forEach(e -> System.out.println("rescale in the drain: " + e.getMessage()));

      // One decision to the model's count, except that the step's first sub-intervals can read as a
      // ramp before they read as a rise (a few runs in a hundred): the forecast then takes a first
      // replica at once, and the rise the rest. A scale-up before the last is allowed only as such a
      // forecast, and only one.
      assertThat(rescales).as("scale-ups after the step").hasSizeBetween(1, 2);
      assertThat(rescales.get(rescales.size() - 1).getMessage()).startsWith("New size: " + expected + ";").contains("LoadAboveTarget");
      rescales.subList(0, rescales.size() - 1).forEach(e -> assertThat(e.getMessage())
          .as("a scale-up before the one to the model's count").contains("LoadAboveTarget").contains("arrivals trend up"));
      // While the rate since the step was known too roughly to pick one count, the operator held and
      // said so. (A second wait may follow when new replicas join: their first scrapes can show as a
      // burst of arrivals in the newest sub-interval; it holds, it does not scale.)
      assertThat(s.events(Conditions.SCALE_UP_SETTLING))
          .allSatisfy(e -> assertThat(e.getMessage()).startsWith("hold ").contains("settling, up to"));
    } finally {
      loop.retire(s);
    }
  }

  /**
   * The load falls from 3 replicas' worth to 2's, well inside the band of 2 (2.5 req/s against
   * 1.97–3.94) so that λ̂ + 2σ cannot reach into another count. A fall to a count whose margin the
   * noise of a 20 s window straddles (1.5 req/s: λ̂ + 2σ around the edge of 1 and 2) may scale down
   * in two steps, 3 → 2 while the window still holds recommendations of 2, then 2 → 1: the HPA's
   * scale-down window works that way.
   */
  @Test
  void loadFallsAndTheOperatorScalesDownOnceAfterTheWindow() {
    Served s = loop.deploy("fall", Mode.Enforce, 4.5, ClosedLoop.SHORT, 4);
    try {
      int high = ClosedLoop.replicasFor(4.5, ClosedLoop.SHORT);
      settled(s, high);
      int before = s.rescales().size();
      Instant dropped = Instant.now();
      s.load().set(2.5, ClosedLoop.SHORT);
      int low = ClosedLoop.replicasFor(2.5, ClosedLoop.SHORT);
      assertThat(low).isEqualTo(2);
      Served.awaitTrue(() -> s.specReplicas() < high, Duration.ofSeconds(90),
          () -> "Deployment still at " + s.specReplicas() + " replicas; " + s.getLine());
      Duration after = Duration.between(dropped, Instant.now());
      int down = s.specReplicas();
      assertThat(after).as("time from the fall to the scale-down").isGreaterThanOrEqualTo(Duration.ofSeconds(30));
      // The scale-down keeps a margin of two standard errors of λ̂, so it may stop one above the model's count.
      assertThat(down).isBetween(low, high - 1);
      // No flapping: the count stays where it went while the load stays low.
      Served.sleep(Duration.ofSeconds(20));
      assertThat(s.specReplicas()).isEqualTo(down);
      List<Event> rescales = s.rescales().subList(before, s.rescales().size());
      assertThat(rescales).as("rescales after the fall").hasSize(1);
      // LoadBelowTarget, or ScaleDownStabilization when a recommendation of the window (made while
      // λ̂ was still falling) keeps it above the newest one.
      assertThat(rescales.get(0).getMessage()).startsWith("New size: " + down + ";")
          .containsAnyOf("reason: LoadBelowTarget", "reason: ScaleDownStabilization");
    } finally {
      loop.retire(s);
    }
  }

  /**
   * Also the thrashing service of the scheduler issue: with long prompts the replicas at
   * max_num_seqs 48 preempt and recompute, and the operator, on its default scheduler model,
   * reports the lower capacity vLLM's scheduler really has, scales for it rather than for the
   * formula's, and recommends a smaller max_num_seqs.
   */
  @Test
  void longPromptsAtTheSameRateMakeMemoryTheBottleneckAndRaiseTheCount() {
    double rate = 1.5;
    Served s = loop.deploy("long", Mode.Enforce, rate, ClosedLoop.SHORT, 5);
    try {
      assertThat(settled(s, 1).getStatus().getCapacity().getBottleneck()).isEqualTo("SequenceCap");
      s.load().set(rate, ClosedLoop.LONG);
      Capacity model = ClosedLoop.capacity(ClosedLoop.LONG);
      Capacity formula = ClosedLoop.iterativeCapacity(ClosedLoop.LONG);
      int expected = ClosedLoop.replicasFor(rate, ClosedLoop.LONG);
      int formulas = Provisioning.plan(formula, rate, ClosedLoop.TARGET_UTILIZATION).replicas();
      assertThat(model.bottleneck()).as("the saturated engine thrashes").isEqualTo(Constraint.PREEMPTION);
      assertThat(formula.bottleneck()).isEqualTo(Constraint.MEMORY);
      assertThat(expected).as("the scheduler model's count against the formula's").isGreaterThan(formulas);
      // At the old count the long prompts overload the replicas, which preempt; a measured
      // throughput below the model's may then ask for more than the model alone (up to replicas.max).
      // The window holds only long prompts (mean 2000) once their mean is above 1900; before, the
      // mixture of short and long ones has a higher capacity than either alone suggests.
      InferenceService memory = s.await("bottleneck Memory with the Preemption constraint binding, a window of long prompts"
          + " only and at least " + expected + " replicas",
          x -> "Memory".equals(x.getStatus().getCapacity().getBottleneck())
              && x.getStatus().getWorkload().getPromptTokensMean() > 1900
              && x.getStatus().getReplicas() >= expected
              && rate(x, "Preemption") < rate(x, "Memory"),
          Duration.ofSeconds(240));
      // The same observed workload, two readings: the memory formula (iterative) and the thrashing
      // scheduler; the status reports the lower one.
      double reported = memory.getStatus().getCapacity().getStableRatePerReplica();
      assertThat(reported).as("the capacity in status against the memory formula's %.3f on the same window",
          rate(memory, "Memory")).isLessThanOrEqualTo(rate(memory, "Preemption")).isLessThan(rate(memory, "Memory"));
      // Sized for the capacity vLLM's scheduler has, not the formula's, and not for the throughput of
      // replicas swamped by the backlog the shift built. At most two above: one for λ̂'s noise, and one
      // for the preemption correction, which reads preemptions beyond the model's while the window
      // still mixes short prompts with the long ones, and which the scale-down window then holds (one
      // run read λ̂ = 1.78 req/s for 1.5 and corrected the capacity by × 0.77: 6 replicas for 4).
      assertThat(s.specReplicas()).isBetween(expected, expected + 2);
      assertThat(s.rescales()).allSatisfy(e -> assertThat(e.getMessage()).contains("LoadAboveTarget"));

      // Advice on the window's mix: while completed short prompts still share it with the long ones that
      // start now (the arriving mix rescales the prompt histogram's shape), the advice can still be to
      // raise the cap, or to lower it by less than the 5% Event threshold.
      InferenceService advised = s.await("a recommendation to lower max_num_seqs from 48, above the 5% Event threshold",
          x -> x.getStatus().getEngineRecommendation() != null
          && x.getStatus().getEngineRecommendation().getCurrentValue() != null
          && x.getStatus().getEngineRecommendation().getCurrentValue() == 48
          && x.getStatus().getEngineRecommendation().getValue() < 48
          && x.getStatus().getEngineRecommendation().getGain() > 0.05, Duration.ofSeconds(60));
      EngineRecommendation advice = advised.getStatus().getEngineRecommendation();
      assertThat(advice.getSetting()).isEqualTo("max_num_seqs");
      assertThat(advice.getValue()).isLessThan(48);
      assertThat(advice.getGain()).isGreaterThan(0.05);
      assertThat(s.events(Conditions.ENGINE_RECOMMENDATION)).isNotEmpty()
          .allSatisfy(e -> assertThat(e.getMessage()).startsWith("max_num_seqs=" ).contains("(now 48)"));
    } finally {
      loop.retire(s);
    }
  }

  /**
   * With a TTFT objective, a ramp and then a shift to long prompts at the same rate. On the ramp
   * (0.8 to 4 req/s over 60 s) the operator reaches the count the final rate needs before the
   * ramp has been over for a start-up and a window; the status reports the objective with the
   * measured TTFT. At the shift, the prompt lengths in status follow the requests that start (vLLM's
   * prompt_tokens_total at first token) within a few polls, before the long requests complete and
   * fill the window's histogram, and the count rises to the scheduler model's for long prompts.
   */
  @Test
  void withAnSloARampIsFollowedAndAShiftToLongPromptsShowsAtOnce() {
    Served s = loop.deploy("slo", Mode.Enforce, 0.8, ClosedLoop.SHORT, 11,
        java.util.Optional.of(new io.stableserve.api.TtftObjective("2s", 0.99)));
    try {
      settled(s, 1);
      double top = 4.0;
      for (int step = 1; step <= 12; step++) {
        s.load().set(0.8 + (top - 0.8) * step / 12, ClosedLoop.SHORT);
        Served.sleep(Duration.ofSeconds(5));
      }
      int needed = ClosedLoop.replicasFor(top, ClosedLoop.SHORT);
      InferenceService ramped = s.await("at least " + needed + " replicas for " + top + " req/s",
          x -> x.getStatus().getReplicas() != null && x.getStatus().getReplicas() >= needed, Duration.ofSeconds(40));
      assertThat(ramped.getStatus().getTtft()).as("status.ttft with the objective").isNotNull();
      assertThat(ramped.getStatus().getTtft().getTargetSeconds()).isEqualTo(2.0);
      assertThat(ramped.getStatus().getTtft().getPercentile()).isEqualTo(0.99);

      double rate = 1.5;
      s.load().set(rate, ClosedLoop.SHORT);
      InferenceService calm = s.await("a window of short prompts at " + rate + " req/s",
          x -> x.getStatus().getWorkload() != null && x.getStatus().getWorkload().getPromptTokensMean() < 1000, Duration.ofSeconds(60));
      Instant shift = Instant.now();
      s.load().set(rate, ClosedLoop.LONG);
      InferenceService shifted = s.await("prompt lengths of the long prompts starting now",
          x -> x.getStatus().getWorkload().getPromptTokensMean() > 1500, Duration.ofSeconds(20));
      assertThat(Duration.between(shift, Instant.now())).as("the mix shows before a 20 s window could fill")
          .isLessThan(Duration.ofSeconds(20));
      assertThat(shifted.getStatus().getWorkload().getPromptTokensMean())
          .isGreaterThan(calm.getStatus().getWorkload().getPromptTokensMean() * 2);
      int longNeeded = ClosedLoop.replicasFor(rate, ClosedLoop.LONG);
      s.await("at least " + longNeeded + " replicas for long prompts at " + rate + " req/s",
          x -> x.getStatus().getReplicas() != null && x.getStatus().getReplicas() >= longNeeded, Duration.ofSeconds(90));
    } finally {
      loop.retire(s);
    }
  }

  /** A constraint's rate per replica in status; +∞ when it is not listed. */
  static double rate(InferenceService s, String constraint) {
    return s.getStatus().getCapacity().getConstraints().stream().filter(c -> constraint.equals(c.getName()))
        .mapToDouble(c -> c.getRate()).findFirst().orElse(Double.POSITIVE_INFINITY);
  }

  @Test
  void recommendModeReportsTheCountAndLeavesTheDeploymentAlone() {
    Served s = loop.deploy("recommend", Mode.Recommend, 1.5, ClosedLoop.SHORT, 2);
    try {
      settled(s, 1);
      s.load().set(4.5, ClosedLoop.SHORT);
      int expected = ClosedLoop.replicasFor(4.5, ClosedLoop.SHORT);
      InferenceService seen = s.await("desiredReplicas " + expected + " reported",
          x -> x.getStatus().getDesiredReplicas() != null && x.getStatus().getDesiredReplicas() == expected,
          Duration.ofSeconds(60));
      assertThat(seen.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo(Conditions.RECOMMENDING);
      Served.sleep(Duration.ofSeconds(5));
      assertThat(s.specReplicas()).as("the Deployment's replicas in Recommend mode").isEqualTo(1);
      assertThat(s.rescales()).isEmpty();
    } finally {
      loop.retire(s);
    }
  }

  @Test
  void prometheusStoppedHoldsTheCountAndItRecoversWhenPrometheusIsBack() {
    Served s = loop.deploy("outage", Mode.Enforce, 4.5, ClosedLoop.SHORT, 3);
    try {
      int expected = stableThenPrometheusStopped(s);
      try {
        InferenceService down = s.await("MetricsAvailable=False", x -> x.getStatus().condition(Conditions.METRICS_AVAILABLE)
            .map(c -> Conditions.FALSE.equals(c.getStatus())).orElse(false), Duration.ofSeconds(30));
        assertThat(down.getStatus().condition(Conditions.METRICS_AVAILABLE).orElseThrow().getReason())
            .isEqualTo(Conditions.PROMETHEUS_UNREACHABLE);
        s.load().set(1.0, ClosedLoop.SHORT);
        Served.sleep(Duration.ofSeconds(10));
        assertThat(s.specReplicas()).as("replicas held while Prometheus is down").isEqualTo(expected);
      } finally {
        loop.prometheus().restart();
      }
      s.await("MetricsAvailable=True again", x -> x.getStatus().isTrue(Conditions.METRICS_AVAILABLE), Duration.ofSeconds(60));
      assertThat(s.specReplicas()).isEqualTo(expected);
    } finally {
      loop.retire(s);
    }
  }

  @Test
  void anOutageLongerThanTheWindowNeverScalesDownOnTheWindowThatFollows() {
    Served s = loop.deploy("long-outage", Mode.Enforce, 4.5, ClosedLoop.SHORT, 3);
    try {
      int expected = stableThenPrometheusStopped(s);
      try {
        s.load().set(1.0, ClosedLoop.SHORT);
        // 30 s without Prometheus against a 20 s window: the first window after it is partly empty.
        Served.sleep(Duration.ofSeconds(30));
        assertThat(s.specReplicas()).as("replicas held while Prometheus is down").isEqualTo(expected);
      } finally {
        loop.prometheus().restart();
      }
      s.await("MetricsAvailable=True again", x -> {
        assertThat(s.specReplicas()).as("no scale-down before the metrics are back").isEqualTo(expected);
        return x.getStatus().isTrue(Conditions.METRICS_AVAILABLE);
      }, Duration.ofSeconds(90));
      // The holds are recommendations of the current count: the 30 s scale-down window covers them.
      Served.sleep(Duration.ofSeconds(15));
      assertThat(s.specReplicas()).as("no scale-down within the scale-down window after the outage").isEqualTo(expected);
      s.await("scaled down to the lower load once the window has passed", x -> x.getStatus().getReplicas() < expected,
          Duration.ofSeconds(120));
    } finally {
      loop.retire(s);
    }
  }

  /** Waits for the 4.5 req/s service to be stable at its count, then stops Prometheus; returns the count. */
  private int stableThenPrometheusStopped(Served s) {
    int expected = ClosedLoop.replicasFor(4.5, ClosedLoop.SHORT);
    s.await("Stable=True at " + expected + " replicas", x -> x.getStatus().getReplicas() == expected
        && x.getStatus().isTrue(Conditions.STABLE), Duration.ofSeconds(150));
    loop.prometheus().stop();
    return expected;
  }
}
