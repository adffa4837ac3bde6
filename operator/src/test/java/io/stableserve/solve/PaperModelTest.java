package io.stableserve.solve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import io.stableserve.workload.WorkloadMix;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaperModelTest {

  static final Workload TABLE_1 = new IndependentLengths(
      LengthDistribution.parse("uniform:10:1600"), LengthDistribution.parse("uniform:10:1600"));
  static final EngineConfig A100 = EngineConfig.of(131_000, 512, StepTimeModel.constant(0.0372));

  @Test
  void reproducesThePapersTable1StableRate() {
    Capacity capacity = new PaperModel().solve(TABLE_1, A100);
    // Paper, Table 1: μ = 3.263 req/s. Continuous uniform moments give 3.2636.
    assertThat(capacity.stableRate()).isCloseTo(3.263, within(0.001));
    assertThat(capacity.instabilityBound()).isEqualTo(capacity.stableRate());
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.MEMORY);
  }

  @Test
  void memoryAreaIsTheClosedFormOverTheMoments() {
    // E[s] = E[o] = 805, E[s²] = E[o²] = (10² + 10·1600 + 1600²)/3 = 858,700, independent.
    double expected = (805 + 858_700.0 / 512 + 2 * 805.0 * 805 + 805 + 858_700) / 2;
    Capacity capacity = new PaperModel().solve(TABLE_1, A100);
    assertThat(capacity.memoryArea()).isCloseTo(expected, within(1e-6));
    assertThat(capacity.stableRate()).isCloseTo(131_000 / (0.0372 * expected), within(1e-12));
  }

  @Test
  void stabilityBoundReservesTheLargestRequest() {
    Capacity capacity = new PaperModel().solve(TABLE_1, A100);
    double delta = 3200.0 / 131_000;
    assertThat(capacity.delta()).isCloseTo(delta, within(1e-15));
    assertThat(capacity.stabilityBound()).isCloseTo(capacity.stableRate() * (1 - delta), within(1e-12));
  }

  @Test
  void mixtureRateIsTheHarmonicMeanOfClassRates() {
    Workload chat = new IndependentLengths(LengthDistribution.parse("uniform:10:400"), LengthDistribution.parse("uniform:50:300"));
    Workload docs = new IndependentLengths(LengthDistribution.parse("fixed:4000"), LengthDistribution.parse("uniform:10:200"));
    PaperModel model = new PaperModel();
    double muChat = model.solve(chat, A100).stableRate();
    double muDocs = model.solve(docs, A100).stableRate();
    WorkloadMix mix = new WorkloadMix(List.of(new WorkloadMix.Share(0.7, chat), new WorkloadMix.Share(0.3, docs)));
    double expected = 1 / (0.7 / muChat + 0.3 / muDocs);
    assertThat(model.solve(mix, A100).stableRate()).isCloseTo(expected, within(1e-9 * expected));
  }

  @Test
  void withALinearStepModelTheStepTimeIsTakenAtSaturation() {
    StepTimeModel step = new StepTimeModel(0.015, 2e-5, 1e-7);
    EngineConfig engine = EngineConfig.of(48_000, 512, step);
    Capacity capacity = new PaperModel().solve(TABLE_1, engine);
    double mu = capacity.stableRate();
    double area = capacity.memoryArea();
    // At rate μ the cache is full (m = M) and n = μ·b̄·E[s+o] tokens are computed per step.
    double stepAtSaturation = step.stepSeconds(mu * capacity.stepSecondsAtCapacity() * 1610, 48_000);
    assertThat(capacity.stepSecondsAtCapacity()).isCloseTo(stepAtSaturation, within(1e-12));
    assertThat(mu * capacity.stepSecondsAtCapacity() * area).isCloseTo(48_000, within(1e-6));
  }
}
