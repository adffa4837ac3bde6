package io.stableserve.cli;

import io.stableserve.solve.ModelKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.stableserve.workload.ProjectData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {

  static final String[] ENGINE = {"--kv-tokens", "48000", "--chunk-tokens", "512", "--max-batched-tokens", "4096",
      "--step-base", "0.015", "--step-per-token", "2e-5", "--step-per-kv-token", "1e-7"};

  static String[] args(String[] head, String... tail) {
    String[] all = new String[head.length + ENGINE.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(ENGINE, 0, all, head.length, ENGINE.length);
    System.arraycopy(tail, 0, all, head.length + ENGINE.length, tail.length);
    return all;
  }

  @Test
  void findBoundaryPrintsTheEmpiricalRateBesideEveryModelTheDefaultFirst() throws Exception {
    JsonNode r = PlanCommandTest.json(args(new String[] {"simulate", "--find-boundary", "--json",
        "--prompt", "uniform:10:300", "--output", "uniform:10:300"}, "--max-num-seqs", "16", "--runs", "3",
        "--horizon", "900"));
    double empirical = r.get("empiricalStableRate").asDouble();
    double predicted = r.get("predictedStableRate").asDouble();
    assertThat(empirical).isPositive().isLessThan(r.get("empiricalUnstableRate").asDouble());
    assertThat(r.get("predictedRelativeError").asDouble()).isCloseTo((predicted - empirical) / empirical, within(1e-12));
    assertThat(r.get("model").asText()).isEqualTo("scheduler");
    assertThat(r.get("models").size()).isEqualTo(ModelKind.values().length);
    assertThat(r.get("models").get(0).get("model").asText()).as("the operator's default first").isEqualTo("scheduler");
    assertThat(r.get("models").get(0).get("stableRate").asDouble()).isEqualTo(predicted);
    for (JsonNode m : r.get("models")) {
      assertThat(m.get("relativeError").asDouble()).isCloseTo((m.get("stableRate").asDouble() - empirical) / empirical,
          within(1e-12));
    }
    assertThat(r.get("probes").size()).isGreaterThanOrEqualTo(2);
    assertThat(r.get("criterion").asText()).contains("3 independent runs of 900 s");
  }

  @Test
  void fleetRunReportsLatencyQueueAndStability() {
    PlanCommandTest.Result r = PlanCommandTest.run(args(new String[] {"simulate", "--prompt", "uniform:300:3000",
        "--output", "uniform:20:600"}, "--arrival-rate", "4", "--replicas", "2", "--duration", "600",
        "--router", "round-robin"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("TTFT       P50").contains("Preempted").contains("Throughput")
        .contains("Stable     yes").contains("2 replicas, round-robin router");
  }

  @Test
  void anOverloadedFleetIsReportedUnstable() {
    PlanCommandTest.Result r = PlanCommandTest.run(args(new String[] {"simulate", "--prompt", "uniform:300:3000",
        "--output", "uniform:20:600"}, "--arrival-rate", "8", "--replicas", "1", "--duration", "900"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Stable     NO");
  }

  @Test
  void replaysATraceCompressedInTime() {
    Path trace = ProjectData.file("azure-llm-2023-code.csv");
    PlanCommandTest.Result r = PlanCommandTest.run(args(new String[] {"simulate", "--trace", trace.toString()},
        "--time-scale", "4", "--replicas", "3", "--duration", "300"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("replayed 4.000x faster").contains("TTFT");
  }

  @Test
  void refusesContradictoryLoad() {
    PlanCommandTest.Result r = PlanCommandTest.run(args(new String[] {"simulate", "--prompt", "fixed:10",
        "--output", "fixed:10"}, "--arrival-rate", "1", "--time-scale", "2"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("not both");
    PlanCommandTest.Result noLoad = PlanCommandTest.run(args(new String[] {"simulate", "--prompt", "fixed:10",
        "--output", "fixed:10"}));
    assertThat(noLoad.exitCode()).isEqualTo(2);
    assertThat(noLoad.err()).contains("needs --arrival-rate");
  }

  @Test
  void validatePrintsAMarkdownRowPerCase() {
    Path trace = ProjectData.file("azure-llm-2023-conv.csv");
    PlanCommandTest.Result r = PlanCommandTest.run("validate", "--data", trace.getParent().toString(), "--only",
        "sequence cap", "--runs", "2", "--horizon", "600");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("| sequence cap: short chat, max_num_seqs 16 | SEQUENCE_CAP |")
        .contains("1 cases");
    PlanCommandTest.Result none = PlanCommandTest.run("validate", "--data", trace.getParent().toString(), "--only",
        "no such case");
    assertThat(none.exitCode()).isEqualTo(2);
  }

  @Test
  void simBenchTimesTheFleet() {
    Path trace = ProjectData.file("azure-llm-2023-conv.csv");
    PlanCommandTest.Result r = PlanCommandTest.run("sim-bench", "--trace", trace.toString(), "--duration", "60",
        "--repeat", "1");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("run 1:").contains("Wall time per simulated run");
  }
}
