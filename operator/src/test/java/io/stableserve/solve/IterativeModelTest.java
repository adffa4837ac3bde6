package io.stableserve.solve;

import io.stableserve.sim.StabilityModels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IterativeModelTest {

  static Workload lengths(String prompt, String output) {
    return new IndependentLengths(LengthDistribution.parse(prompt), LengthDistribution.parse(output));
  }

  static final Workload CHAT = lengths("uniform:10:1600", "uniform:10:1600");
  static final Workload DESIGN_CASE = lengths("uniform:300:3000", "uniform:20:600");
  static final StepTimeModel REALISTIC = new StepTimeModel(0.015, 2e-5, 1e-7);

  final IterativeModel iterative = new IterativeModel();
  final PaperModel paper = new PaperModel();

  @ParameterizedTest
  @CsvSource({
      "uniform:10:1600, uniform:10:1600, 131000, 512, 0.0372",
      "uniform:300:3000, uniform:20:600, 48000, 512, 0.015",
      "fixed:100, fixed:900, 20000, 256, 0.02"})
  void equalsThePaperModelWithoutStepCostsAndReserve(String prompt, String output, long m, int chunk, double b) {
    Workload workload = lengths(prompt, output);
    EngineConfig engine = EngineConfig.of(m, chunk, StepTimeModel.constant(b));
    Capacity it = iterative.solve(workload, engine);
    Capacity pp = paper.solve(workload, engine);
    // δ = 0: the iterative instability bound has no reserve and is the paper's μ exactly.
    assertThat(it.instabilityBound()).isCloseTo(pp.stableRate(), within(1e-12 * pp.stableRate()));
    // With the reserve δ both give μ·(1 − δ).
    assertThat(it.stableRate()).isCloseTo(pp.stabilityBound(), within(1e-12 * pp.stableRate()));
    assertThat(it.bottleneck()).isEqualTo(Constraint.MEMORY);
    // Besides memory only the default token budget (ŝ) applies, and it does not bind here.
    assertThat(it.constraints()).extracting(ConstraintRate::constraint)
        .containsExactly(Constraint.MEMORY, Constraint.TOKEN_BUDGET);
  }

  @Test
  void memoryBindsForTheDesignExampleWithRealisticStepTimes() {
    EngineConfig engine = EngineConfig.of(48_000, 512, REALISTIC).withMaxBatchedTokens(4096).withMaxNumSeqs(256);
    Capacity capacity = iterative.solve(DESIGN_CASE, engine);
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.MEMORY);
    // DESIGN §1.3 / issue 4 quote 3.42 req/s for this case.
    assertThat(capacity.stableRate()).isCloseTo(3.42, within(0.01));
  }

  @Test
  void computeBindsWhenTheCacheIsHugeAndTokensAreExpensive() {
    EngineConfig engine = EngineConfig.of(50_000_000, 512, new StepTimeModel(0.01, 1e-3, 0)).withMaxBatchedTokens(100_000);
    Capacity capacity = iterative.solve(lengths("fixed:200", "fixed:50"), engine);
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.COMPUTE);
    // The memory rate approaches the compute rate 1 / (c1·E[s+o]) as the cache grows.
    double computeRate = 1 / (1e-3 * 250);
    assertThat(capacity.rate(Constraint.COMPUTE).orElseThrow().ratePerSecond()).isCloseTo(computeRate, within(1e-9));
    assertThat(capacity.stableRate()).isCloseTo(computeRate, within(1e-3 * computeRate)).isLessThanOrEqualTo(computeRate);
  }

  @Test
  void memoryBindsWhenTheCacheIsSmallEvenIfTokensCost() {
    EngineConfig engine = EngineConfig.of(5_000, 512, new StepTimeModel(0.01, 1e-5, 0));
    Capacity capacity = iterative.solve(lengths("fixed:200", "fixed:50"), engine);
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.MEMORY);
  }

  @Test
  void tokenBudgetBindsWhenTheBudgetIsSmall() {
    EngineConfig engine = EngineConfig.of(1_000_000, 512, StepTimeModel.constant(0.02)).withMaxBatchedTokens(64);
    Capacity capacity = iterative.solve(lengths("fixed:1000", "fixed:10"), engine);
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.TOKEN_BUDGET);
    // c1 = c2 = 0: λ·b·E[s+o] ≤ B gives λ = B / (b·E[s+o]).
    assertThat(capacity.stableRate()).isCloseTo(64 / (0.02 * 1010), within(1e-9));
  }

  @Test
  void sequenceCapBindsWhenFewSequencesMayRun() {
    EngineConfig engine = EngineConfig.of(1_000_000, 512, StepTimeModel.constant(0.02)).withMaxNumSeqs(4);
    Capacity capacity = iterative.solve(lengths("fixed:600", "fixed:100"), engine);
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.SEQUENCE_CAP);
    // Each sequence occupies a slot for ⌈s/ŝ⌉ + o − 1 = 2 + 99 steps.
    assertThat(capacity.stableRate()).isCloseTo(4 / (0.02 * 101), within(1e-9));
  }

  @Test
  void withoutAGivenBudgetThePrefillChunkIsTheTokenBudget() {
    EngineConfig engine = EngineConfig.of(10_000_000, 64, StepTimeModel.constant(0.02));
    Capacity capacity = iterative.solve(lengths("fixed:1000", "fixed:10"), engine);
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.TOKEN_BUDGET);
    assertThat(capacity.stableRate()).isCloseTo(64 / (0.02 * 1010), within(1e-9));
  }

  @Test
  void atTheMemoryRateTheCacheIsExactlyFullWithTheSelfConsistentStepTime() {
    EngineConfig engine = EngineConfig.of(48_000, 512, REALISTIC);
    Capacity capacity = iterative.solve(DESIGN_CASE, engine);
    double lambda = capacity.stableRate();
    double area = capacity.memoryArea();
    double b = capacity.stepSecondsAtCapacity();
    double tokensPerStep = lambda * b * DESIGN_CASE.moments().meanTotalTokens();
    double kvResident = lambda * b * area;
    assertThat(REALISTIC.stepSeconds(tokensPerStep, kvResident)).isCloseTo(b, within(1e-12));
    assertThat(kvResident).isCloseTo(48_000 * (1 - capacity.delta()), within(1e-6));
  }

  @Test
  void aLargerCacheNeverLowersTheStableRate() {
    // Not the scheduler model: under vLLM's scheduler a bigger cache can admit a request it must
    // then preempt again and again (8,000-token prompts: 3 fit in 25,000 tokens, and a 4th is
    // admitted on its first chunk into 31,250 and thrashes), so its rate is not monotone in M.
    for (ModelKind kind : new ModelKind[] {ModelKind.PAPER, ModelKind.ITERATIVE}) {
      StabilityModel model = StabilityModels.of(kind);
      for (Workload workload : new Workload[] {CHAT, DESIGN_CASE, lengths("fixed:8000", "uniform:1:50")}) {
        for (StepTimeModel step : new StepTimeModel[] {StepTimeModel.constant(0.03), REALISTIC}) {
          double previous = 0;
          for (long m = 20_000; m <= 2_000_000; m = m * 5 / 4) {
            EngineConfig engine = new EngineConfig(m, 512, OptionalInt.of(128), OptionalInt.of(2048), step);
            double rate = model.solve(workload, engine).stableRate();
            assertThat(rate).as("%s, %s, M=%d", kind, workload.describe(), m).isGreaterThanOrEqualTo(previous);
            previous = rate;
          }
        }
      }
    }
  }

  @Test
  void everyConstraintRateIsReportedAndTheSmallestIsTheStableRate() {
    EngineConfig engine = EngineConfig.of(48_000, 512, REALISTIC).withMaxBatchedTokens(2048).withMaxNumSeqs(16);
    Capacity capacity = iterative.solve(DESIGN_CASE, engine);
    assertThat(capacity.constraints()).extracting(ConstraintRate::constraint)
        .containsExactly(Constraint.MEMORY, Constraint.COMPUTE, Constraint.TOKEN_BUDGET, Constraint.SEQUENCE_CAP);
    double min = capacity.constraints().stream().mapToDouble(ConstraintRate::ratePerSecond).min().orElseThrow();
    assertThat(capacity.stableRate()).isEqualTo(min);
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.SEQUENCE_CAP);
    assertThat(capacity.rate(Constraint.SEQUENCE_CAP).orElseThrow().ratePerSecond()).isEqualTo(min);
  }
}
