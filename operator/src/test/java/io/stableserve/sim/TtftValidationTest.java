package io.stableserve.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Trace;
import io.stableserve.workload.TraceReader;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One tiny case of each kind through the TTFT validation: the simulator's TTFT is read, the errors are finite. */
class TtftValidationTest {

  private static final TtftValidation.Settings TINY = new TtftValidation.Settings(300, 300, 1, 0, 2, 1, 1);

  @Test
  void aPoissonCaseReadsTheSimulatorsTtft() {
    TtftValidation.Case c = new TtftValidation.Case("short chat", "linear", new IndependentLengths(
        new LengthDistribution.Uniform(10, 300), new LengthDistribution.Uniform(10, 300)),
        Validation.linearEngine(131_000), 1, 0.5, Optional.empty());
    TtftValidation.Row row = TtftValidation.run(c, TINY);

    assertThat(row.mu()).isGreaterThan(10);
    assertThat(row.lambda()).isEqualTo(0.5 * row.mu());
    assertThat(row.arrivalScv()).isEqualTo(1);
    // Two seeds of 300 measured seconds each: about 2·300·λ requests, every one of them completed.
    assertThat((double) row.requests()).isBetween(0.9 * 600 * row.lambda(), 1.1 * 600 * row.lambda());
    assertThat(row.simulatedP50()).isPositive();
    assertThat(row.simulatedP90()).isGreaterThanOrEqualTo(row.simulatedP50());
    assertThat(row.simulatedP99()).isGreaterThan(row.simulatedP50()).isFinite();
    assertThat(row.p99Low()).isPositive().isLessThanOrEqualTo(row.p99High());
    assertThat(row.simulatedPrefillSeconds()).isPositive();
    assertThat(row.prefillSeconds()).isPositive();
    assertThat(row.predictedP99()).isGreaterThanOrEqualTo(row.predictedP90()).isGreaterThanOrEqualTo(row.prefillSeconds());
    assertThat(row.p90Error()).isFinite();
    assertThat(row.p99Error()).isFinite();
  }

  @Test
  void aTraceReplayMeasuresItsBurstiness() throws Exception {
    Trace code = TraceReader.read(Path.of("../data/azure-llm-2023-code.csv"));
    TtftValidation.Case c = new TtftValidation.Case("code", "reference", code, TtftValidation.REFERENCE_ENGINE, 1, 0.5,
        Optional.of(code));
    TtftValidation.Row row = TtftValidation.run(c, TINY);

    assertThat(row.lambda()).isCloseTo(0.5 * row.mu(), org.assertj.core.api.Assertions.within(1e-9 * row.mu()));
    // The code trace is far burstier than Poisson at 30 s.
    assertThat(row.arrivalScv()).isGreaterThan(2);
    assertThat(row.requests()).isPositive();
    assertThat(row.simulatedP99()).isPositive().isFinite();
    assertThat(row.p99Error()).isFinite();
  }
}
