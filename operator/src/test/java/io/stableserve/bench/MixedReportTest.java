package io.stableserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mixed fleet's reading against issue 17's goals, for StableServe and for the two bounds, on hand-made runs. */
class MixedReportTest {

  private static MixRunResult run(String policy, String setting, double share, double cost) {
    RunResult figures = new RunResult(null, policy, setting, false, "w", cost, 100, share, 1, 0, 0, 0, 0, List.of());
    return new MixRunResult(policy, setting, figures, List.of(cost, 0.0), cost, 3600);
  }

  private static SloBound.Result found(MixRunResult r, double factor) {
    return new SloBound.Result(factor, r.run(), SloBound.Basis.SLO, Map.of(factor, r.sloAttainment()));
  }

  @Test
  void eachGoalIsReadForStableServeAndForBothBounds() {
    MixRunResult stableServe = run(StableServeMixAutoscaler.NAME, "", 0.99, 30);
    MixRunResult wvaDefault = run(VariantSaturationScaler.NAME, "KV 0.80, queue 5 (default)", 0.80, 20);
    MixRunResult staticMix = run(StaticMix.NAME, "", 1.00, 40);
    MixRunResult reactive = run(ReactiveMixBound.NAME, "×1.50 (99% in time)", 0.995, 36);
    MixRunResult oracle = run(OracleMix.NAME, "×1.00 (99% in time)", 1.00, 24);
    MixedBenchmark.WorkloadRuns w = new MixedBenchmark.WorkloadRuns("w", List.of(stableServe, wvaDefault, staticMix, reactive, oracle),
        found(reactive, 1.5), found(oracle, 1.0), Map.of());

    assertThat(w.peers()).containsExactly(wvaDefault, staticMix);
    assertThat(MixedReport.belowPeers(stableServe, w)).as("as good as the WVA rule but dearer; fewer in time than the static mix")
        .isZero();
    assertThat(MixedReport.belowPeers(reactive, w)).as("fewer in time than the static mix, and dearer than the WVA rule").isZero();
    assertThat(MixedReport.belowPeers(oracle, w)).as("as good as both and cheaper than the static mix only").isEqualTo(1);

    String line = MixedReport.reading(w);
    assertThat(line).contains("below every peer at equal or better share: 0 of 2 [missed]")
        .contains("against the WVA rule at its default +50% (goal −20%) [missed]")
        .contains("against the oracle mix (×1.00 (99% in time), 100.0% in time) +25% (goal within +10%) [missed]")
        .contains("the reactive mix bound (×1.50 (99% in time), 99.5% in time at 36.00/h, +20% against StableServe): below every "
            + "peer at equal or better share 0 of 2, against the WVA rule at its default +80%, against the oracle mix +50%;")
        .contains("the oracle mix (×1.00 (99% in time), 100.0% in time at 24.00/h, −20% against StableServe): below every peer at "
            + "equal or better share 1 of 2, against the WVA rule at its default +20%");
  }
}
