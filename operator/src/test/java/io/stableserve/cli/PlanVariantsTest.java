package io.stableserve.cli;

import static io.stableserve.cli.PlanCommandTest.json;
import static io.stableserve.cli.PlanCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.stableserve.workload.ProjectData;
import org.junit.jupiter.api.Test;

/** {@code plan --variant}: several engines with costs, the cheapest mix for a rate or per window of a trace. */
class PlanVariantsTest {

  static final String[] WORKLOAD = {"--prompt", "uniform:100:1500", "--output", "uniform:20:400"};
  static final String H100 = "name=h100,engine=h100,cost=4.0";
  static final String A100 = "name=a100,engine=a100,cost=1.8";

  static String[] plan(String... more) {
    String[] args = new String[1 + WORKLOAD.length + more.length];
    args[0] = "plan";
    System.arraycopy(WORKLOAD, 0, args, 1, WORKLOAD.length);
    System.arraycopy(more, 0, args, 1 + WORKLOAD.length, more.length);
    return args;
  }

  @Test
  void eachVariantHasItsEnginesStableRateAndTheMixIsTheCheapestThatHoldsTheRate() throws Exception {
    JsonNode mix = json(plan("--variant", H100, "--variant", A100, "--arrival-rate", "30", "--json"));
    JsonNode single = json(plan("--kv-tokens", "131072", "--chunk-tokens", "2048", "--max-num-seqs", "256",
        "--max-batched-tokens", "2048", "--step-base", "0.006", "--step-per-token", "1.7e-5", "--step-per-kv-token", "1e-7", "--json"));
    double muH = mix.get("variants").get(0).get("stableRate").asDouble();
    double muA = mix.get("variants").get(1).get("stableRate").asDouble();
    assertThat(muH).isCloseTo(single.get("stableRate").asDouble(), within(1e-12));
    assertThat(muA).isLessThan(muH);

    double needed = 30 / 0.85;
    assertThat(mix.get("neededCapacity").asDouble()).isCloseTo(needed, within(1e-9));
    int h = mix.get("mix").get("h100").asInt();
    int a = mix.get("mix").get("a100").asInt();
    assertThat(h * muH + a * muA).isGreaterThanOrEqualTo(needed);
    assertThat(mix.get("costPerHour").asDouble()).isCloseTo(4.0 * h + 1.8 * a, within(1e-9));
    // No cheaper pair of counts holds the rate.
    double cheapest = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= 10; i++) {
      for (int j = 0; j <= 20; j++) {
        if (i * muH + j * muA >= needed) {
          cheapest = Math.min(cheapest, 4.0 * i + 1.8 * j);
        }
      }
    }
    assertThat(mix.get("costPerHour").asDouble()).isCloseTo(cheapest, within(1e-9));
    assertThat(mix.get("reachable").asBoolean()).isTrue();
  }

  @Test
  void theTableSaysWhyAndWhetherToMoveFromTheCurrentMix() {
    PlanCommandTest.Result r = run(plan("--variant", H100, "--variant", A100, "--arrival-rate", "30",
        "--current", "h100=0,a100=12"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Variants        scheduler model")
        .containsPattern("h100 +\\d+\\.\\d{4} +4\\.00")
        .contains("Why             cheapest mix h100 ")
        .contains("Change          from h100 0 + a100 12: to ")
        .contains("SAVES_OVER_HORIZON");
  }

  @Test
  void aTtftSloMakesTheMixMeetIt() throws Exception {
    JsonNode mix = json(plan("--variant", H100, "--variant", A100, "--arrival-rate", "30", "--ttft-target", "0.3",
        "--json"));
    JsonNode capacityOnly = json(plan("--variant", H100, "--variant", A100, "--arrival-rate", "30", "--json"));
    assertThat(mix.get("predictedTtft").asDouble()).isLessThanOrEqualTo(0.3);
    assertThat(mix.get("costPerHour").asDouble()).isGreaterThanOrEqualTo(capacityOnly.get("costPerHour").asDouble());
  }

  @Test
  void boundsThatCannotHoldTheRateSayWhatToRaise() throws Exception {
    JsonNode mix = json(plan("--variant", H100 + ",max=1", "--variant", A100 + ",max=1", "--arrival-rate", "60", "--json"));
    assertThat(mix.get("reachable").asBoolean()).isFalse();
    assertThat(mix.get("mix").get("h100").asInt()).isEqualTo(1);
    assertThat(mix.get("mix").get("a100").asInt()).isEqualTo(1);
    assertThat(mix.get("reason").asText()).contains("raise h100's maximum to");
  }

  @Test
  void aTraceIsPlannedWindowByWindow() throws Exception {
    JsonNode plan = json("plan", "--trace", ProjectData.file("azure-llm-2023-conv.csv").toString(), "--variant", H100,
        "--variant", A100, "--window", "10m", "--json");
    JsonNode windows = plan.get("windows");
    assertThat(windows.size()).isGreaterThanOrEqualTo(5);
    double muH = plan.get("variants").get(0).get("stableRate").asDouble();
    double muA = plan.get("variants").get(1).get("stableRate").asDouble();
    for (JsonNode w : windows) {
      double capacity = w.get("mix").get("h100").asInt() * muH + w.get("mix").get("a100").asInt() * muA;
      assertThat(capacity).as(w.toString()).isGreaterThanOrEqualTo(w.get("arrivalRate").asDouble() / 0.85 * (1 - 1e-12));
    }
  }

  @Test
  void wrongVariantsAreRefusedWithTheReason() {
    PlanCommandTest.Result r = run(plan("--variant", "name=h100,cost=4", "--arrival-rate", "1"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("variant h100 needs an engine");

    r = run(plan("--variant", H100, "--kv-tokens", "1000", "--arrival-rate", "1"));
    assertThat(r.err()).contains("give the engine options inside --variant");

    r = run(plan("--variant", H100, "--variant", H100, "--arrival-rate", "1"));
    assertThat(r.err()).contains("two variants are named h100");

    r = run(plan("--variant", H100, "--arrival-rate", "1", "--current", "l40s=2"));
    assertThat(r.err()).contains("--current names l40s, which is not a variant");

    r = run(plan("--variant", "name=h100,engine=h100,cost=-1", "--arrival-rate", "1"));
    assertThat(r.err()).contains("cost per replica-hour must be a finite number >= 0");

    r = run(plan("--variant", "name=h100,engine=h100,cost=4,max=two", "--arrival-rate", "1"));
    assertThat(r.err()).contains("variant h100: max=two is not a number; max is a whole count of replicas");

    r = run(plan("--variant", "name=h100,engine=h100,cost=four", "--arrival-rate", "1"));
    assertThat(r.err()).contains("variant h100: cost=four is not a number; cost is the cost per replica-hour");

    r = run(plan("--variant", H100, "--window", "10m"));
    assertThat(r.err()).contains("--window cuts a trace");
  }
}
