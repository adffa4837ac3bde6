package io.stableserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceService;
import io.stableserve.api.MetricQueries;
import io.stableserve.api.ReplicaBounds;
import io.stableserve.api.ScaleToZeroSpec;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.Replica;
import io.stableserve.sim.RequestLog;
import io.stableserve.sim.metrics.GatewayExposition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zero and back, end to end: the operator process against the API server mock, a real Prometheus
 * scraping the simulated replicas and the gateway in front of them. The service is allowed to go to
 * zero after 10 s idle (the 8 s start-up is shorter); the gateway's held requests and request counter
 * are its metrics at zero.
 */
class ScaleToZeroTest {

  /**
   * Detection and write between the first held request and the replicas starting: Prometheus's 1 s
   * scrape, the operator's 1 s poll and its queries, the simulated Deployment controller's 250 ms
   * tick; then the prefill of a queue a few replicas drain at once. A cold start may take the
   * start-up plus this, no more.
   */
  static final double COLD_START_MARGIN_SECONDS = 5;

  static ClosedLoop loop;

  @BeforeAll
  static void start() {
    loop = ClosedLoop.start(Path.of("target", "scale-to-zero"));
  }

  @AfterAll
  static void stop() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void anIdleServiceGoesToZeroWakesOnTheFirstHeldRequestServesEveryOneAndGoesToZeroAgain() {
    Served s = loop.deploy("zero", 1.5, ClosedLoop.SHORT, 7, ScaleToZeroTest::allowedToGoToZero);
    Fleet fleet = s.deployment().fleet();
    System.out.println(Served.Row.header());
    try (Timeline timeline = new Timeline(s, 2000, row -> Timeline.print(System.out, row))) {
      s.await("one replica's stable rate measured", x -> x.getStatus().getScaleToZero() != null
          && x.getStatus().getScaleToZero().getStableRatePerReplica() != null, Duration.ofSeconds(60));

      s.load().stop();
      InferenceService atZero = awaitZero(s);
      assertThat(atZero.getStatus().getLastDecision().getMessage()).contains("idle for");
      assertThat(s.events(Conditions.SUCCESSFUL_RESCALE)).extracting(Event::getMessage)
          .anyMatch(m -> m.startsWith("New size: 0; reason: ScaledToZero"));
      int before = fleet.replicas().size();

      Served.sleep(Duration.ofSeconds(4));
      assertThat(s.specReplicas()).as("nothing held: the service stays at zero").isZero();
      assertThat(s.service().getStatus().getLastDecision().getReason()).isEqualTo("IdleAtZero");

      double burstStart = s.deployment().now();
      long arrivedBefore = fleet.arrivals();
      s.load().set(5.0, ClosedLoop.SHORT);
      InferenceService woke = s.await("woken by the held requests", x -> x.getStatus().getLastDecision() != null
          && "WokeOnHeldRequests".equals(x.getStatus().getLastDecision().getReason()), Duration.ofSeconds(30));
      System.out.println("wake: " + woke.getStatus().getLastDecision().getMessage());
      assertThat(woke.getStatus().getLastDecision().getTo()).isPositive();
      Served.awaitTrue(() -> fleet.sample().ready() > 0, Duration.ofSeconds(30), () -> "no replica became ready after the wake");
      double firstReady = fleet.replicas().subList(before, fleet.replicas().size()).stream()
          .mapToDouble(Replica::readyAt).min().orElseThrow();

      Served.sleep(Duration.ofSeconds(15));
      s.load().stop();
      Served.awaitTrue(() -> fleet.log().size() == fleet.arrivals(), Duration.ofSeconds(60),
          () -> fleet.log().size() + " of " + fleet.arrivals() + " requests served, " + fleet.held() + " still held");
      assertThat(fleet.rejected()).as("requests refused").isZero();
      assertThat(fleet.held()).as("requests still held").isZero();

      // Every request that arrived while no replica was ready was held at the gateway: its TTFT is its cold start.
      RequestLog log = fleet.log();
      int held = 0;
      double worst = 0;
      double sum = 0;
      for (int i = 0; i < log.size(); i++) {
        if (log.arrival(i) >= burstStart && log.arrival(i) < firstReady) {
          held++;
          worst = Math.max(worst, log.ttftSeconds(i));
          sum += log.ttftSeconds(i);
        }
      }
      System.out.printf(Locale.ROOT, "cold start: %d requests held at the gateway, TTFT mean %.2f s, max %.2f s "
          + "(start-up %.0f s, first replica ready %.2f s after the burst began); %d requests in the burst, all served%n",
          held, sum / held, worst, ClosedLoop.STARTUP_SECONDS, firstReady - burstStart, fleet.arrivals() - arrivedBefore);
      assertThat(held).as("requests held while no replica was ready").isPositive();
      assertThat(worst).as("the worst cold-start TTFT, against the start-up plus the detection margin")
          .isLessThanOrEqualTo(ClosedLoop.STARTUP_SECONDS + COLD_START_MARGIN_SECONDS);

      InferenceService again = awaitZero(s);
      System.out.println("start-up measured by the operator: " + again.getStatus().getStartup().getMeasuredSeconds() + " s");
      assertThat(again.getStatus().getStartup().getMeasuredSeconds())
          .as("the wake's start-up, measured from the target to within a poll").isBetween(ClosedLoop.STARTUP_SECONDS - 1,
              ClosedLoop.STARTUP_SECONDS + COLD_START_MARGIN_SECONDS);
    }
  }

  /** Zero replicas written by the operator for being idle, and Ready saying so. */
  private static InferenceService awaitZero(Served s) {
    InferenceService x = s.await("zero replicas for being idle", i -> i.getStatus().getLastDecision() != null
        && "ScaledToZero".equals(i.getStatus().getLastDecision().getReason()) && i.getStatus().getLastDecision().getTo() == 0,
        Duration.ofSeconds(70));
    Served.awaitTrue(() -> s.specReplicas() == 0, Duration.ofSeconds(10), () -> "the Deployment is not at 0");
    assertThat(x.getStatus().condition(Conditions.READY)).get().satisfies(c -> assertThat(c.getReason()).isEqualTo("ScaledToZero"));
    return x;
  }

  /** Minimum 0, to zero after 10 s idle, the gateway's metrics as the inference gateway names them. */
  static void allowedToGoToZero(InferenceService service) {
    service.getSpec().setReplicas(new ReplicaBounds(0, 8));
    service.getSpec().setScaleToZero(new ScaleToZeroSpec("10s"));
    MetricQueries q = new MetricQueries();
    q.setGatewayQueue("sum(" + GatewayExposition.QUEUE_SIZE + "{$selector})");
    q.setArrivals("sum(rate(" + GatewayExposition.REQUESTS_TOTAL + "{$selector}[$window]))");
    service.getSpec().getMetrics().setQueries(q);
    service.getSpec().getBehavior().getScaleDown().setStabilizationWindow("10s");
  }
}
