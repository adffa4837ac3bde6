package io.stableserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stableserve.workload.ProjectData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PlanCommandTest {

  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    CommandLine cli = StableServe.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static JsonNode json(String... args) throws Exception {
    Result r = run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void paperTable1FromTheCommandLine() throws Exception {
    JsonNode plan = json("plan", "--prompt", "uniform:10:1600", "--output", "uniform:10:1600",
        "--kv-tokens", "131000", "--chunk-tokens", "512", "--step-seconds", "0.0372", "--model", "paper", "--json");
    assertThat(plan.get("stableRate").asDouble()).isCloseTo(3.263, within(0.001));
    assertThat(plan.get("bottleneck").asText()).isEqualTo("MEMORY");
    assertThat(plan.get("memoryArea").asDouble()).isCloseTo(1_079_018.57, within(0.01));
    assertThat(plan.get("delta").asDouble()).isCloseTo(3200.0 / 131000, within(1e-12));
    assertThat(plan.get("stabilityBound").asDouble()).isLessThan(plan.get("stableRate").asDouble());
    assertThat(plan.get("constraints")).hasSize(1);
    assertThat(plan.has("replicas")).isFalse();
  }

  @Test
  void iterativeWithCapsAndAnArrivalRate() throws Exception {
    JsonNode plan = json("plan", "--prompt", "uniform:300:3000", "--output", "uniform:20:600",
        "--kv-tokens", "48000", "--chunk-tokens", "512", "--step-base", "0.015", "--step-per-token", "2e-5",
        "--step-per-kv-token", "1e-7", "--max-num-seqs", "256", "--max-batched-tokens", "4096",
        "--arrival-rate", "10", "--target-utilization", "0.8", "--model", "iterative", "--json");
    assertThat(plan.get("model").asText()).isEqualTo("iterative");
    assertThat(plan.get("constraints")).hasSize(4);
    double mu = plan.get("stableRate").asDouble();
    assertThat(plan.get("replicas").asInt()).isEqualTo((int) Math.ceil(10 / (0.8 * mu)));
    assertThat(plan.get("utilization").asDouble()).isCloseTo(10 / (plan.get("replicas").asInt() * mu), within(1e-12));
  }

  @Test
  void theSchedulerModelIsTheDefaultAndRecommendsACapInTheTable() {
    Result r = run("plan", "--prompt", "uniform:300:3000", "--output", "uniform:20:600",
        "--kv-tokens", "48000", "--chunk-tokens", "512", "--step-base", "0.015", "--step-per-token", "2e-5",
        "--step-per-kv-token", "1e-7", "--max-num-seqs", "256", "--max-batched-tokens", "4096", "--recommend-engine");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Model           scheduler")
        .contains("bottleneck PREEMPTION")
        .containsPattern("saturated     2\\.5\\d+ req/s, \\d+ preemptions/h")
        .containsPattern("Engine          max_num_seqs 2\\d \\(now 256\\): stable rate 3\\.\\d+ req/s instead of 2\\.5");
  }

  @Test
  void aMixOfClassesIsAccepted() throws Exception {
    JsonNode plan = json("plan", "--class", "0.75,uniform:10:400,uniform:10:300", "--class", "0.25,fixed:6000,fixed:100",
        "--kv-tokens", "100000", "--chunk-tokens", "512", "--step-seconds", "0.03", "--model", "paper", "--json");
    assertThat(plan.get("tokens").get("meanPrompt").asDouble()).isCloseTo(0.75 * 205 + 0.25 * 6000, within(1e-9));
  }

  @Test
  void badInputIsRefusedWithAMessageAndExitCode2() {
    Result r = run("plan", "--prompt", "fixed:100", "--output", "fixed:10", "--kv-tokens", "-1",
        "--chunk-tokens", "512", "--step-seconds", "0.03");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("error: KV-cache capacity M must be a positive number of tokens, got -1");

    r = run("plan", "--prompt", "fixed:100", "--output", "fixed:10", "--kv-tokens", "1000",
        "--chunk-tokens", "512", "--step-seconds", "0.03", "--arrival-rate", "1", "--target-utilization", "1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("target utilisation ρ must be strictly between 0 and 1, got 1.0");

    r = run("plan", "--prompt", "fixed:100", "--output", "fixed:10", "--kv-tokens", "1000", "--chunk-tokens", "512");
    assertThat(r.err()).contains("a step time is needed");

    r = run("plan", "--kv-tokens", "1000", "--chunk-tokens", "512", "--step-seconds", "0.03");
    assertThat(r.err()).contains("give exactly one workload");
  }

  @Test
  void bothAzureTracesGiveSensibleFigures() throws Exception {
    for (String name : new String[] {"azure-llm-2023-conv.csv", "azure-llm-2023-code.csv"}) {
      Path trace = ProjectData.file(name);
      JsonNode plan = json("plan", "--trace", trace.toString(), "--kv-tokens", "400000", "--chunk-tokens", "2048",
          "--step-base", "0.0058", "--step-per-token", "1.7e-5", "--step-per-kv-token", "6e-8",
          "--max-num-seqs", "256", "--max-batched-tokens", "2048", "--json");
      double mu = plan.get("stableRate").asDouble();
      double lambda = plan.get("arrivalRate").asDouble();
      assertThat(mu).as(name).isBetween(0.5, 100.0);
      assertThat(lambda).as(name).isBetween(1.0, 10.0);
      assertThat(plan.get("burstiness").asDouble()).as(name).isGreaterThan(0);
      assertThat(plan.get("replicas").asInt()).isEqualTo((int) Math.ceil(lambda / (0.9 * mu)));
    }
  }
}
