package io.stableserve.observe.prometheus;

import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observation;
import io.stableserve.observe.Signal;
import io.stableserve.observe.VllmMetricNames;

import io.stableserve.observe.ObservationWindow;
import io.stableserve.decide.DecisionReason;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.ServiceSettings;

import static io.stableserve.observe.prometheus.CannedPrometheus.contains;
import static io.stableserve.observe.prometheus.CannedPrometheus.is;
import static io.stableserve.observe.prometheus.CannedPrometheus.names;
import static io.stableserve.observe.prometheus.CannedPrometheus.startsWith;
import static io.stableserve.observe.prometheus.CannedPrometheus.value;
import static io.stableserve.observe.prometheus.CannedPrometheus.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The observe stage against canned Prometheus answers. */
class PrometheusObserverTest {

  static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);
  static final String SEL = "{model_name=\"m\"}";

  static final ObservationWindow WINDOW = ObservationWindow.of(Duration.ofMinutes(5));

  static PrometheusSource config() {
    return PrometheusSource.of(URI.create("http://prometheus:9090"), "model_name=\"m\"");
  }

  static Observation observe(PrometheusApi prometheus, PrometheusSource config) throws MetricsUnavailableException {
    return new PrometheusObserver(config, prometheus, Clock.fixed(NOW, ZoneOffset.UTC)).observe(WINDOW);
  }

  /** A V0 engine like the published sample: old names, cache_config_info without model_name. */
  static CannedPrometheus v0() {
    return new CannedPrometheus()
        .answer(startsWith("count by (__name__)"), names("vllm:num_requests_running", "vllm:num_requests_waiting",
            "vllm:gpu_cache_usage_perc", "vllm:request_success_total", "vllm:num_preemptions_total",
            "vllm:time_per_output_token_seconds_count", "vllm:time_per_output_token_seconds_sum"))
        .answer(is("vllm:num_requests_running" + SEL), vector(Map.entry(Map.of("model_name", "m", "instance", "a:8000"), 3.0),
            Map.entry(Map.of("model_name", "m", "instance", "b:8000"), 4.0)))
        .answer(is("max(timestamp(vllm:num_requests_running" + SEL + "))"), value(NOW.getEpochSecond() - 5))
        .answer(is("sum(vllm:num_requests_waiting" + SEL + ")"), value(2))
        .answer(is("sum(increase(vllm:request_success_total" + SEL + "[300s]))"), value(600))
        .answer(is("avg(vllm:gpu_cache_usage_perc" + SEL + ")"), value(0.4))
        .answer(is("vllm:cache_config_info and on (job, instance) vllm:num_requests_running" + SEL),
            vector(Map.entry(Map.of("block_size", "16", "num_gpu_blocks", "81767", "instance", "a:8000"), 1.0),
                Map.entry(Map.of("block_size", "16", "num_gpu_blocks", "81767", "instance", "b:8000"), 1.0)))
        .answer(contains("vllm:time_per_output_token_seconds_sum"), value(0.025));
  }

  @Test
  void v0NamesAreFoundAndTheCacheSizeIsJoinedByInstance() throws Exception {
    Observation o = observe(v0(), config());
    assertThat(o.names().generation()).isEqualTo(VllmMetricNames.Generation.V0);
    assertThat(o.names().found()).containsEntry(Signal.KV_CACHE_USAGE, "vllm:gpu_cache_usage_perc")
        .containsEntry(Signal.STEP_SECONDS, "vllm:time_per_output_token_seconds");
    assertThat(o.names().missing()).contains(Signal.PROMPT_TOKENS, Signal.OUTPUT_TOKENS, Signal.STEPS);
    assertThat(o.engine().kvCache()).hasValueSatisfying(c -> {
      assertThat(c.tokensPerReplica()).isEqualTo(81_767L * 16);
      assertThat(c.replicasReporting()).isEqualTo(2);
      assertThat(c.how()).contains("joined");
    });
    assertThat(o.occupancy().replicas()).isEqualTo(2);
    assertThat(o.occupancy().running()).isEqualTo(7);
    assertThat(o.occupancy().waiting()).isEqualTo(2);
    assertThat(o.flow().completions()).isEqualTo(600);
    assertThat(o.occupancy().kvCacheUsage().getAsDouble()).isEqualTo(0.4);
    assertThat(o.engine().stepSeconds().getAsDouble()).isEqualTo(0.025);
    assertThat(o.newestSampleAge()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everyVllmQueryCarriesTheSelector() throws Exception {
    CannedPrometheus prometheus = v0();
    observe(prometheus, config());
    assertThat(prometheus.asked()).filteredOn(q -> q.contains("vllm:num_requests") || q.contains("vllm:request_success"))
        .allSatisfy(q -> assertThat(q).contains(SEL));
  }

  @Test
  void theNewerCacheSizeLabelWinsOverBlocks() throws Exception {
    CannedPrometheus prometheus = v0().answerFirst(is("vllm:cache_config_info" + SEL),
        vector(Map.entry(Map.of("block_size", "832", "num_gpu_blocks", "100", "kv_cache_size_tokens", "83000"), 1.0)));
    Observation o = observe(prometheus, config());
    assertThat(o.engine().kvCache().orElseThrow().tokensPerReplica()).isEqualTo(83_000);
    assertThat(o.engine().kvCache().orElseThrow().how()).isEqualTo("kv_cache_size_tokens label");
  }

  @Test
  void noRunningSeriesButRecentOnesIsStale() {
    CannedPrometheus prometheus = new CannedPrometheus()
        .answer(startsWith("present_over_time(vllm:num_requests_running" + SEL), vector(Map.entry(Map.of("model_name", "m"), 1.0)));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> observe(prometheus, config()));
    assertThat(e.problem()).isEqualTo(MetricsProblem.STALE);
  }

  @Test
  void noSeriesAtAllIsNoDataNamingWhatDoesMatch() {
    CannedPrometheus prometheus = new CannedPrometheus().answer(startsWith("count by (__name__)"), names("vllm:gpu_cache_usage_perc"));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> observe(prometheus, config()));
    assertThat(e.problem()).isEqualTo(MetricsProblem.NO_DATA);
    assertThat(e.getMessage()).contains("vllm:gpu_cache_usage_perc");
  }

  @Test
  void anOldNewestSampleIsStale() {
    CannedPrometheus prometheus = v0()
        .answerFirst(is("max(timestamp(vllm:num_requests_running" + SEL + "))"), value(NOW.getEpochSecond() - 200));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> observe(prometheus, config()));
    assertThat(e.problem()).isEqualTo(MetricsProblem.STALE);
    assertThat(e.getMessage()).contains("200 s old");
  }

  @Test
  void aMissingWaitingGaugeIsNoDataNamingIt() {
    CannedPrometheus withoutWaiting = v0().answerFirst(startsWith("sum(vllm:num_requests_waiting"), vector());
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> observe(withoutWaiting, config()));
    assertThat(e.problem()).isEqualTo(MetricsProblem.NO_DATA);
    assertThat(e.signal()).contains(Signal.WAITING);
    assertThat(e.getMessage()).contains("vllm:num_requests_waiting");
  }

  @Test
  void anOverrideThatReturnsSeveralSeriesIsMalformed() {
    CannedPrometheus prometheus = v0()
        .answerFirst(is("rate(gateway_requests_total[300s])"), vector(Map.entry(Map.of("pod", "a"), 1.0), Map.entry(Map.of("pod", "b"), 2.0)));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class,
        () -> observe(prometheus, config().withOverride(Signal.ARRIVALS, "rate(gateway_requests_total[$window])")));
    assertThat(e.problem()).isEqualTo(MetricsProblem.MALFORMED);
    assertThat(e.getMessage()).contains("aggregate the query");
  }

  @Test
  void aCacheUsageGivenInPercentIsMalformed() {
    CannedPrometheus prometheus = v0().answerFirst(is("avg(vllm:gpu_cache_usage_perc" + SEL + ")"), value(45));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> observe(prometheus, config()));
    assertThat(e.problem()).isEqualTo(MetricsProblem.MALFORMED);
    assertThat(e.getMessage()).contains("above 1");
  }

  @Test
  void aBucketBoundThatIsNotANumberIsMalformedWithoutRepeatingIt() {
    CannedPrometheus prometheus = v0()
        .answerFirst(startsWith("count by (__name__)"), names("vllm:num_requests_running", "vllm:num_requests_waiting",
            "vllm:request_success_total", "vllm:request_prompt_tokens_bucket"))
        .answerFirst(startsWith("sum by (le) (increase(vllm:request_prompt_tokens_bucket"),
            vector(Map.entry(Map.of("le", "tenant-acme-internal"), 3.0)));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> observe(prometheus, config()));
    assertThat(e.problem()).isEqualTo(MetricsProblem.MALFORMED);
    assertThat(e.getMessage()).contains("le label is not a number").doesNotContain("tenant-acme");
  }

  /** Observes through {@code prometheus}, whose queries move the clock the deadline is kept by. */
  static PrometheusObserver timed(CannedPrometheus prometheus) {
    return new PrometheusObserver(config(), prometheus, Clock.fixed(NOW, ZoneOffset.UTC), prometheus::nanoTime);
  }

  @Test
  void noQueryIsSentAfterTheObservesDeadlineAndTheObserveFailsAsATimeout() {
    // 10 s timeout, 30 s deadline: the queries sent at 0, 4, ..., 28 s are answered; the one due at 32 s is not sent.
    CannedPrometheus slow = v0().eachQueryTaking(Duration.ofSeconds(4));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> timed(slow).observe(WINDOW));
    assertThat(e.problem()).isEqualTo(MetricsProblem.TIMEOUT);
    assertThat(e.getMessage()).contains("deadline of 30s (3 × metrics.timeout) passed with 8 queries sent");
    assertThat(slow.asked()).hasSize(8);
  }

  @Test
  void eachQueryWaitsAtMostTheSmallerOfTheTimeoutAndTheTimeLeft() {
    CannedPrometheus slow = v0().eachQueryTaking(Duration.ofSeconds(12));
    assertThrows(MetricsUnavailableException.class, () -> timed(slow).observe(WINDOW));
    assertThat(slow.timeouts).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(6));
  }

  @Test
  void aQueryCutShortByTheDeadlineFailsNamingTheDeadline() {
    CannedPrometheus slow = v0().eachQueryTaking(Duration.ofSeconds(12))
        .answerFirst(is("max(timestamp(vllm:num_requests_running" + SEL + "))"), 503, CannedPrometheus.error("timeout", "timed out"));
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> timed(slow).observe(WINDOW));
    assertThat(e.problem()).isEqualTo(MetricsProblem.TIMEOUT);
    assertThat(e.getMessage()).contains("deadline of 30s");
  }

  @Test
  void aPassedDeadlineHoldsTheReplicaCount() {
    CannedPrometheus slow = v0().eachQueryTaking(Duration.ofSeconds(4));
    Evaluation evaluation = ScalingPipeline.observeAndEvaluate(timed(slow),
        ServiceSettings.defaults(new ReplicaRange(1, 50), EngineSettings.none()), ServiceMemory.empty(), ReplicaCounts.allReady(7), NOW);
    assertThat(evaluation.metricsFailure()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo("PrometheusTimeout"));
    assertThat(evaluation.decision().desiredReplicas()).isEqualTo(7);
    assertThat(evaluation.decision().reason()).isEqualTo(DecisionReason.METRICS_UNAVAILABLE);
  }

  @Test
  void theDocumentedQueriesUseTheSelectorAndWindow() {
    Map<Signal, String> q = PrometheusObserver.queries(config(), WINDOW);
    assertThat(q.get(Signal.COMPLETIONS)).isEqualTo("sum(increase(vllm:request_success_total" + SEL + "[300s]))");
    assertThat(q.get(Signal.PROMPT_TOKENS)).isEqualTo("sum by (le) (increase(vllm:request_prompt_tokens_bucket" + SEL + "[300s]))");
    assertThat(q.get(Signal.KV_CACHE_TOKENS)).contains("and on (job, instance)");
  }

  /** Completions counted from four pods' counters over the 5-minute window, in 30 s sub-intervals. */
  static double[] arrivalsFrom(String... counters) throws MetricsUnavailableException {
    double start = NOW.getEpochSecond() - 300;
    Double[] zeros = new Double[11];
    java.util.Arrays.fill(zeros, 0.0);
    CannedPrometheus p = v0()
        .answerRange(contains("vllm:request_success_total"), CannedPrometheus.matrixOf(counters))
        .answerRange(contains("vllm:num_requests_running"), CannedPrometheus.matrixOf(CannedPrometheus.series("all", start, 30, zeros)));
    return observe(p, config()).intervals().stream().mapToDouble(Observation.IntervalSample::arrivals).toArray();
  }

  @Test
  void aCounterResetAFirstSampleAndAGapAreReadWithoutABurst() throws Exception {
    double start = NOW.getEpochSecond() - 300;
    double[] a = arrivalsFrom(
        CannedPrometheus.series("steady", start, 30, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0),
        // restarted before the third sub-interval ended: 5 since the reset
        CannedPrometheus.series("restarted", start, 30, 500.0, 510.0, 520.0, 5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0),
        // back after its series went stale, or a new replica scraped late: its lifetime count is no burst
        CannedPrometheus.series("returning", start, 30, null, null, null, null, null, null, 5000.0, 5010.0, 5020.0, 5030.0, 5040.0),
        // three scrapes missing: the 40 it added are spread over the four sub-intervals they span
        CannedPrometheus.series("gap", start, 30, 0.0, 10.0, 20.0, null, null, null, 60.0, 70.0, 80.0, 90.0, 100.0));
    assertThat(a).containsExactly(30, 30, 25, 30, 30, 30, 40, 40, 40, 40);
  }

  @Test
  void anInfiniteCounterIsMalformedAndANaNPointIsSkipped() throws Exception {
    double start = NOW.getEpochSecond() - 300;
    double[] withNaN = arrivalsFrom(CannedPrometheus.series("nan", start, 30, 0.0, 10.0, Double.NaN, 30.0, 40.0, 50.0, 60.0, 70.0,
        80.0, 90.0, 100.0));
    assertThat(withNaN).containsExactly(10, 10, 10, 10, 10, 10, 10, 10, 10, 10);
    MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class, () -> arrivalsFrom(
        CannedPrometheus.series("inf", start, 30, 0.0, 10.0, Double.POSITIVE_INFINITY, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0,
            100.0)));
    assertThat(e.problem()).isEqualTo(MetricsProblem.MALFORMED);
  }

  @Test
  void eachSubIntervalCarriesThePromptsMeanOfTheRequestsThatStartedInIt() throws Exception {
    double start = NOW.getEpochSecond() - 300;
    Double[] zeros = new Double[11];
    java.util.Arrays.fill(zeros, 0.0);
    CannedPrometheus prometheus = v0()
        .answerFirst(startsWith("count by (__name__)"), names("vllm:num_requests_running", "vllm:num_requests_waiting",
            "vllm:request_success_total", "vllm:prompt_tokens_total", "vllm:time_to_first_token_seconds_count"))
        .answerFirst(contains("vllm:prompt_tokens_total"), value(520))
        .answerRange(contains("vllm:request_success_total"), CannedPrometheus.matrixOf(
            CannedPrometheus.series("all", start, 30, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0)))
        .answerRange(contains("vllm:num_requests_running"), CannedPrometheus.matrixOf(CannedPrometheus.series("all", start, 30, zeros)))
        // No request got its first token in the fourth sub-interval: the filter leaves no point there.
        .answerRange(contains("vllm:prompt_tokens_total"), CannedPrometheus.matrixOf(CannedPrometheus.series("all", start + 30, 30,
            400.0, 600.0, 450.0, null, 550.0, 500.0, 480.0, 520.0, 510.0, 530.0)));
    Observation o = observe(prometheus, config());
    assertThat(o.lengths().recentPromptMean()).hasValue(520);
    assertThat(o.intervals()).hasSize(10);
    assertThat(o.intervals().stream().map(i -> i.promptMean().isPresent() ? i.promptMean().getAsDouble() : -1.0))
        .containsExactly(400.0, 600.0, 450.0, -1.0, 550.0, 500.0, 480.0, 520.0, 510.0, 530.0);
    assertThat(prometheus.asked()).anyMatch(q -> q.equals("sum(increase(vllm:prompt_tokens_total" + SEL + "[30s])) / "
        + "(sum(increase(vllm:time_to_first_token_seconds_count" + SEL + "[30s])) > 0)"));
  }

  @Test
  void theLatestPromptsMeanIsReadBetweenEachSeriesNewestTwoScrapes() throws Exception {
    CannedPrometheus prometheus = v0()
        .answerFirst(startsWith("count by (__name__)"), names("vllm:num_requests_running", "vllm:num_requests_waiting",
            "vllm:request_success_total", "vllm:prompt_tokens_total", "vllm:time_to_first_token_seconds_count"))
        .answerFirst(contains("vllm:prompt_tokens_total"), value(520))
        .answerFirst(startsWith("sum(irate(vllm:prompt_tokens_total"), value(5774));
    Observation o = observe(prometheus, config());
    assertThat(o.lengths().recentPromptMean()).as("the last two sub-intervals").hasValue(520);
    assertThat(o.lengths().latestPromptMean()).as("the newest scrape interval").hasValue(5774);
    assertThat(prometheus.asked()).contains("sum(irate(vllm:prompt_tokens_total" + SEL + "[60s])) / "
        + "(sum(irate(vllm:time_to_first_token_seconds_count" + SEL + "[60s])) > 0)");
  }
}
