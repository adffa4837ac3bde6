package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.Mix;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A quota the fleet reports, as a Deployment under a ResourceQuota does, reaches the policy. */
class ReportedQuotaTest {

  @Test
  void aVariantAskedBeyondAReportedQuotaReportsItsPodsRefusedAndAnUnreportedOneDoesNot() {
    BenchSetup setup = MixPolicyRunTest.setup();
    List<BenchVariant> variants = BenchVariant.MIXED;
    BenchWorkload load = MixPolicyRunTest.steady(5, 120);
    List<List<Optional<String>>> seen = new ArrayList<>();
    MixAutoscaler asksTen = new MixAutoscaler() {
      @Override
      public String name() {
        return "asks ten a100";
      }

      @Override
      public Mix decide(io.stableserve.bench.FleetMetrics metrics, Mix spec, Mix ready) {
        throw new AssertionError("the run passes what the targets report");
      }

      @Override
      public Mix decide(io.stableserve.bench.FleetMetrics metrics, Mix spec, Mix ready, List<Optional<String>> refusals) {
        seen.add(refusals);
        return Mix.of(0, 10);
      }
    };

    new MixPolicyRun(setup, variants, List.of(Integer.MAX_VALUE, 2), true).run(load, asksTen, Mix.of(0, 2));
    assertThat(seen.get(0)).as("asked for 2, within the quota").containsExactly(Optional.empty(), Optional.empty());
    assertThat(seen.get(seen.size() - 1).get(1)).hasValueSatisfying(r -> assertThat(r).startsWith("FailedCreate").contains("quota"));
    assertThat(seen.get(seen.size() - 1).get(0)).isEmpty();

    seen.clear();
    new MixPolicyRun(setup, variants, List.of(Integer.MAX_VALUE, 2), false).run(load, asksTen, Mix.of(0, 2));
    assertThat(seen).as("nodes that run out report nothing").allSatisfy(r -> assertThat(r).containsOnly(Optional.empty()));
  }
}
