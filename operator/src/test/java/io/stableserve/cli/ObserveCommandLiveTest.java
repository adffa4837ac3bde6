package io.stableserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stableserve.testing.LiveVllmServices;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stableserve observe} end to end against a real Prometheus scraping a synthetic vLLM V1 page. */
class ObserveCommandLiveTest {

  static LiveVllmServices live;

  @BeforeAll
  static void startAndFillWindow() {
    live = LiveVllmServices.get();
    live.awaitFullWindow();
  }

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = StableServe.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    System.out.println(out);
    return new Run(status, out.toString(), err.toString());
  }

  String[] steady(String... more) {
    String[] base = {"observe", "--prometheus", live.prometheus().url().toString(),
        "--selector", "model_name=\"" + LiveVllmServices.STEADY_MODEL + "\"", "--window", "20s", "--resolution", "2s"};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void reportNamesWhatItFoundAndDecides() {
    Run r = run(steady());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("V1 names").contains("vllm:kv_cache_usage_perc").contains("vllm:inter_token_latency_seconds")
        .contains("λ̂ = 4.").contains("M = 48000 KV tokens (observed: kv_cache_size_tokens label")
        .contains("chunk ŝ = 2048 (default)").contains("fitted").contains("<- binds").contains("Decision");
  }

  @Test
  void jsonCarriesTheSameFiguresAndTheReplicasFollowTheModel() throws Exception {
    Run r = run(steady("--json", "--chunk-tokens", "512", "--target-utilization", "0.5"));
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    double lambda = json.path("arrivals").path("rate").asDouble();
    double mu = json.path("capacity").path("stableRate").asDouble();
    assertThat(lambda).isCloseTo(LiveVllmServices.STEADY.arrivalsPerSecond(), withinPercentage(5));
    assertThat(json.path("engine").path("chunkTokensFrom").asText()).isEqualTo("GIVEN");
    assertThat(json.path("engine").path("kvCacheTokensFrom").asText()).isEqualTo("OBSERVED");
    assertThat(json.path("vllmMetrics").path("generation").asText()).isEqualTo("V1");
    assertThat(json.path("decision").path("modelReplicas").asInt()).isEqualTo((int) Math.ceil(lambda / (0.5 * mu)));
  }

  @Test
  void givenEngineFiguresReplaceTheObservedOnes() throws Exception {
    Run r = run(steady("--json", "--kv-tokens", "96000", "--step-seconds", "0.03"));
    JsonNode engine = new ObjectMapper().readTree(r.out()).path("engine");
    assertThat(engine.path("kvCacheTokens").asLong()).isEqualTo(96_000);
    assertThat(engine.path("kvCacheTokensFrom").asText()).isEqualTo("GIVEN");
    assertThat(engine.path("stepBase").asDouble()).isEqualTo(0.03);
    assertThat(engine.path("stepPerToken").asDouble()).isZero();
  }

  @Test
  void aV0PageShowsItsOldNamesAndSaysWhatItCannotRead() {
    Run r = run("observe", "--prometheus", live.prometheus().url().toString(),
        "--selector", "model_name=\"" + LiveVllmServices.V0_MODEL + "\"", "--window", "20s", "--resolution", "2s");
    // The published page is static: no request completes and no step runs, so neither the token
    // moments nor the step time can be read, and the command says what to give.
    assertThat(r.status()).isEqualTo(ObserveCommand.METRICS_UNAVAILABLE);
    assertThat(r.out()).contains("V0 names").contains("vllm:gpu_cache_usage_perc")
        .contains("M = 1308272 tokens per replica (num_gpu_blocks × block_size (81767 × 16), joined")
        .contains("Tokens          unknown").contains("step time is not given").contains("holding 1 replicas");
  }

  @Test
  void aSimulatedFleetIsSizedFromItsOwnPages() {
    Run r = run("observe", "--prometheus", live.prometheus().url().toString(),
        "--selector", "model_name=\"" + LiveVllmServices.FLEET_MODEL + "\"", "--window", "20s", "--resolution", "2s",
        "--chunk-tokens", "512", "--max-num-seqs", "256");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("V1 names").contains("replicas seen 2")
        .contains("M = 48000 KV tokens (observed: kv_cache_size_tokens label, joined to the service's series by job and instance)")
        .contains("chunk ŝ = 512 (given)").contains("sequence cap").contains("Decision        2 -> ");
  }

  @Test
  void unavailableMetricsHoldAndExitWithThree() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Run r = run("observe", "--prometheus", "http://127.0.0.1:" + port, "--selector", "model_name=\"x\"", "--current-replicas", "3");
    assertThat(r.status()).isEqualTo(ObserveCommand.METRICS_UNAVAILABLE);
    assertThat(r.out()).contains("PrometheusUnreachable").contains("3 -> 3 replicas").contains("MetricsUnavailable");
  }

  @Test
  void aTtftObjectiveSizesTheCountAndIsReportedWithItsPrediction() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode plain = mapper.readTree(run(steady("--json")).out());
    assertThat(plain.has("slo")).as("no objective, no SLO figures").isFalse();
    assertThat(plain.path("decision").has("predictedTtftSeconds")).isFalse();

    Run loose = run(steady("--json", "--ttft-target", "2s"));
    assertThat(loose.status()).as(loose.err()).isZero();
    JsonNode json = mapper.readTree(loose.out());
    assertThat(json.path("slo").path("ttftTargetSeconds").asDouble()).isEqualTo(2.0);
    assertThat(json.path("slo").path("percentile").asDouble()).isEqualTo(0.99);
    assertThat(json.path("slo").has("calibrationFactor")).isTrue();
    assertThat(json.path("decision").path("predictedTtftSeconds").asDouble()).isPositive().isLessThanOrEqualTo(2.0);
    int looseCount = json.path("decision").path("modelReplicas").asInt();
    assertThat(looseCount).as("never fewer than at the target utilisation").isGreaterThanOrEqualTo(plain.path("decision").path("modelReplicas").asInt());

    JsonNode strict = mapper.readTree(run(steady("--json", "--ttft-target", "100ms", "--ttft-percentile", "0.999")).out());
    assertThat(strict.path("slo").path("percentile").asDouble()).isEqualTo(0.999);
    assertThat(strict.path("decision").path("modelReplicas").asInt()).as("a tighter objective asks for more").isGreaterThan(looseCount);

    assertThat(run(steady("--ttft-target", "2s")).out()).contains("SLO             P99 TTFT ≤ 2.00 s: predicted ").contains("calibration   k = ");
  }

  @Test
  void badTtftObjectivesAreRefusedWithWhatToFix() {
    Run alone = run(steady("--ttft-percentile", "0.9"));
    assertThat(alone.status()).isEqualTo(2);
    assertThat(alone.err()).contains("--ttft-percentile needs --ttft-target");
    Run tooLong = run(steady("--ttft-target", "1h"));
    assertThat(tooLong.status()).isEqualTo(2);
    assertThat(tooLong.err()).contains("--ttft-target").contains("10m");
    Run percentile = run(steady("--ttft-target", "2s", "--ttft-percentile", "1.5"));
    assertThat(percentile.status()).isEqualTo(2);
    assertThat(percentile.err()).contains("--ttft-percentile").contains("strictly between 0 and 1");
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    Run r = run("observe", "--prometheus", live.prometheus().url().toString(), "--window", "five-minutes");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("five-minutes").contains("not a duration");
  }
}
