package io.stableserve.observe.prometheus;

import io.stableserve.observe.ObservationWindow;

import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;
import io.stableserve.observe.VllmMetricNames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stableserve.estimate.Estimator;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.estimate.StepTimeEstimate;
import io.stableserve.testing.LiveVllmServices;
import io.stableserve.testing.SyntheticVllm;
import io.stableserve.workload.TokenMoments;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Observe and estimate against a real Prometheus scraping test-controlled vLLM pages. */
class PrometheusObserverLiveTest {

  static LiveVllmServices live;
  static final SyntheticVllm.Settings TRUTH = LiveVllmServices.STEADY;

  @BeforeAll
  static void startAndFillWindow() {
    live = LiveVllmServices.get();
    live.awaitFullWindow();
  }

  static final ObservationWindow WINDOW = new ObservationWindow(LiveVllmServices.WINDOW, LiveVllmServices.RESOLUTION);

  static PrometheusSource config(String selector) {
    return PrometheusSource.of(live.prometheus().url(), selector);
  }

  static ServiceEstimate steady() throws MetricsUnavailableException {
    return Estimator.estimate(new PrometheusObserver(config("model_name=\"" + LiveVllmServices.STEADY_MODEL + "\"")).observe(WINDOW));
  }

  @Test
  void arrivalsAreCompletionsPlusBacklogGrowth() throws Exception {
    ServiceEstimate e = steady();
    assertThat(e.arrivalRate()).isCloseTo(TRUTH.arrivalsPerSecond(), withinPercentage(5));
    assertThat(e.completionRate()).isCloseTo(TRUTH.completionsPerSecond(), withinPercentage(5));
    assertThat(e.arrivals().backlogGrowthPerSecond()).isCloseTo(TRUTH.queueGrowthPerSecond(), within(0.1));
    assertThat(e.arrivals().basis()).isEqualTo(io.stableserve.estimate.ArrivalEstimate.UncertaintyBasis.SUB_INTERVALS);
    assertThat(e.arrivals().lower95()).isLessThan(TRUTH.arrivalsPerSecond() * 1.05);
    assertThat(e.arrivals().upper95()).isGreaterThan(TRUTH.arrivalsPerSecond() * 0.95);
  }

  @Test
  void tokenMomentsFromHistogramsAreWithinTheStatedError() throws Exception {
    TokenMoments m = steady().workload().orElseThrow().moments();
    // Uniform on [a, b]: E[X] = (a + b)/2, E[X²] = (a² + ab + b²)/3.
    double promptSquare = (300.0 * 300 + 300.0 * 3000 + 3000.0 * 3000) / 3;
    double outputSquare = (20.0 * 20 + 20.0 * 600 + 600.0 * 600) / 3;
    assertThat(m.meanPrompt()).isCloseTo(1650, withinPercentage(1));
    assertThat(m.meanOutput()).isCloseTo(310, withinPercentage(1));
    assertThat(m.meanPromptSquare()).isCloseTo(promptSquare, withinPercentage(8));
    assertThat(m.meanOutputSquare()).isCloseTo(outputSquare, withinPercentage(8));
    assertThat(m.meanPromptTimesOutput()).isCloseTo(1650.0 * 310, withinPercentage(2));
  }

  @Test
  void engineFiguresAreDiscovered() throws Exception {
    ServiceEstimate e = steady();
    assertThat(e.kvCache()).hasValueSatisfying(c -> {
      assertThat(c.tokensPerReplica()).isEqualTo(48_000);
      assertThat(c.how()).contains("kv_cache_size_tokens");
    });
    assertThat(e.metricNames().generation()).isEqualTo(VllmMetricNames.Generation.V1);
    assertThat(e.metricNames().found()).containsEntry(Signal.KV_CACHE_USAGE, VllmMetricCatalog.KV_USAGE_V1)
        .containsEntry(Signal.STEP_SECONDS, VllmMetricCatalog.INTER_TOKEN_V1);
    assertThat(e.replicas()).isEqualTo(1);
    assertThat(e.running()).isEqualTo(20);
    assertThat(e.preemptionsPerSecond().getAsDouble()).isCloseTo(0.2, withinPercentage(5));
    assertThat(e.kvCacheUsage().getAsDouble()).isBetween(0.15, 0.75);
  }

  @Test
  void stepTimeCoefficientsAreFittedWhenTheLoadVaries() throws Exception {
    StepTimeEstimate step = steady().stepTime().orElseThrow();
    assertThat(step.method()).as(step.note()).isEqualTo(StepTimeEstimate.Method.FITTED);
    assertThat(step.model().baseSeconds()).isCloseTo(TRUTH.c0(), withinPercentage(15));
    assertThat(step.model().secondsPerToken()).isCloseTo(TRUTH.c1(), withinPercentage(20));
    assertThat(step.model().secondsPerKvToken()).isCloseTo(TRUTH.c2(), withinPercentage(25));
  }

  @Test
  void v0PageIsReadWithItsOldNamesAndCacheConfigJoinedByInstance() throws Exception {
    ServiceEstimate e = Estimator.estimate(new PrometheusObserver(config("model_name=\"" + LiveVllmServices.V0_MODEL + "\"")).observe(WINDOW));
    assertThat(e.metricNames().generation()).isEqualTo(VllmMetricNames.Generation.V0);
    assertThat(e.metricNames().found()).containsEntry(Signal.KV_CACHE_USAGE, VllmMetricCatalog.KV_USAGE_V0);
    assertThat(e.kvCache()).hasValueSatisfying(c -> {
      assertThat(c.tokensPerReplica()).isEqualTo(81_767L * 16);
      assertThat(c.how()).contains("num_gpu_blocks × block_size").contains("joined");
    });
    // A static page: nothing completes, nothing queues.
    assertThat(e.arrivalRate()).isZero();
    assertThat(e.workload()).isEmpty();
    assertThat(e.notes()).anyMatch(n -> n.contains("token moments unknown"));
  }

  @Test
  void aSimulatedFleetIsReadThroughTheSimulatorsExposition() throws Exception {
    ServiceEstimate e = Estimator.estimate(new PrometheusObserver(config("model_name=\"" + LiveVllmServices.FLEET_MODEL + "\"")).observe(WINDOW));
    System.out.printf("fleet: λ̂ %.3f ± %.3f (true %.1f), burstiness %s, E[s] %.1f ± %.1f, E[s²] %.4g, E[o] %.1f ± %.1f, E[o²] %.4g, step %s%n",
        e.arrivalRate(), e.arrivals().standardError(), LiveVllmServices.FLEET_RATE, e.arrivals().burstiness(),
        e.workload().orElseThrow().prompt().mean(), e.workload().orElseThrow().prompt().meanStandardError(),
        e.workload().orElseThrow().prompt().meanSquare(), e.workload().orElseThrow().output().mean(),
        e.workload().orElseThrow().output().meanStandardError(), e.workload().orElseThrow().output().meanSquare(), e.stepTime());
    assertThat(e.replicas()).isEqualTo(2);
    // the fewest waiting on one replica, read per series: never more than half the sum over two
    assertThat(e.leastWaiting()).isPresent();
    assertThat(e.leastWaiting().getAsDouble()).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(e.waiting() / 2);
    assertThat(e.metricNames().generation()).isEqualTo(VllmMetricNames.Generation.V1);
    // The simulator's V1 cache_config_info carries no model_name, as vLLM's: found by joining on job and instance.
    assertThat(e.kvCache()).hasValueSatisfying(c -> {
      assertThat(c.tokensPerReplica()).isEqualTo(48_000);
      assertThat(c.replicasReporting()).isEqualTo(2);
      assertThat(c.how()).contains("joined");
    });
    // Poisson arrivals: the window's own rate differs from the set rate by about √(λ/W); the
    // reported standard error estimates exactly that.
    double poisson = Math.sqrt(LiveVllmServices.FLEET_RATE / LiveVllmServices.WINDOW.toSeconds());
    assertThat(e.arrivalRate()).isCloseTo(LiveVllmServices.FLEET_RATE, within(4 * poisson));
    assertThat(e.arrivals().standardError()).isBetween(0.4 * poisson, 2.5 * poisson);
    TokenMoments m = e.workload().orElseThrow().moments();
    double promptSe = e.workload().orElseThrow().prompt().meanStandardError();
    double outputSe = e.workload().orElseThrow().output().meanStandardError();
    assertThat(m.meanPrompt()).isCloseTo(550, within(4 * promptSe));
    assertThat(m.meanOutput()).isCloseTo(160, within(4 * outputSe));
    assertThat(e.stepTime()).isPresent();
  }

  @Test
  void aSelectorThatMatchesNothingIsNoData() {
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class,
        () -> new PrometheusObserver(config("model_name=\"no-such-model\"")).observe(WINDOW));
    assertThat(e.problem()).isEqualTo(MetricsProblem.NO_DATA);
    assertThat(e.getMessage()).contains("no-such-model").contains("check the series selector");
  }

  @Test
  void aBadOverrideIsAQueryError() {
    PrometheusSource bad = config("model_name=\"" + LiveVllmServices.STEADY_MODEL + "\"")
        .withOverride(Signal.ARRIVALS, "sum(rate(gateway_requests_total[$window]) by");
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> new PrometheusObserver(bad).observe(WINDOW));
    assertThat(e.problem()).isEqualTo(MetricsProblem.QUERY_ERROR);
    assertThat(e.signal()).contains(Signal.ARRIVALS);
  }

  @Test
  void anArrivalsOverrideReplacesTheVllmCounters() throws Exception {
    PrometheusSource gateway = config("model_name=\"" + LiveVllmServices.STEADY_MODEL + "\"")
        .withOverride(Signal.ARRIVALS, "sum(rate(vllm:request_success_total{$selector}[$window])) * 2");
    ServiceEstimate e = Estimator.estimate(new PrometheusObserver(gateway).observe(WINDOW));
    assertThat(e.arrivals().source()).isEqualTo(io.stableserve.estimate.ArrivalEstimate.Source.OVERRIDE);
    assertThat(e.arrivalRate()).isCloseTo(2 * TRUTH.completionsPerSecond(), withinPercentage(5));
    assertThat(e.metricNames().found()).containsEntry(Signal.ARRIVALS, "override");
  }

  @Test
  void aPrometheusThatIsDownIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PrometheusSource down = PrometheusSource.of(URI.create("http://127.0.0.1:" + port), "model_name=\"x\"");
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> new PrometheusObserver(down).observe(WINDOW));
    assertThat(e.problem()).isEqualTo(MetricsProblem.PROMETHEUS_UNREACHABLE);
  }

  @Test
  void seriesOfARemovedTargetAreStale() {
    live.removeDoomed();
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class,
        () -> new PrometheusObserver(config("model_name=\"" + LiveVllmServices.DOOMED_MODEL + "\"")).observe(WINDOW));
    assertThat(e.problem()).isEqualTo(MetricsProblem.STALE);
  }
}
