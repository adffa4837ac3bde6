package io.stableserve.solve;

import io.stableserve.sim.StabilityModels;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.TokenMoments;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InvalidInputTest {

  static final StepTimeModel STEP = StepTimeModel.constant(0.03);

  @Test
  void refusesANonPositiveCache() {
    assertThatThrownBy(() -> EngineConfig.of(0, 512, STEP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KV-cache capacity M must be a positive");
    assertThatThrownBy(() -> EngineConfig.of(-5, 512, STEP)).hasMessageContaining("got -5");
  }

  @Test
  void refusesANonPositiveChunk() {
    assertThatThrownBy(() -> EngineConfig.of(1000, 0, STEP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefill chunk ŝ must be a positive");
  }

  @Test
  void refusesNonPositiveCaps() {
    assertThatThrownBy(() -> new EngineConfig(1000, 16, OptionalInt.of(0), OptionalInt.empty(), STEP))
        .hasMessageContaining("max_num_seqs must be positive");
    assertThatThrownBy(() -> new EngineConfig(1000, 16, OptionalInt.empty(), OptionalInt.of(-1), STEP))
        .hasMessageContaining("max_num_batched_tokens must be positive");
  }

  @Test
  void refusesNaNAndNegativeStepTimes() {
    assertThatThrownBy(() -> StepTimeModel.constant(Double.NaN)).hasMessageContaining("c0 must be a positive number");
    assertThatThrownBy(() -> StepTimeModel.constant(0)).hasMessageContaining("c0 must be a positive number");
    assertThatThrownBy(() -> new StepTimeModel(0.01, -1e-5, 0)).hasMessageContaining("c1 must be >= 0");
    assertThatThrownBy(() -> new StepTimeModel(0.01, 0, Double.NaN)).hasMessageContaining("c2 must be >= 0");
  }

  @Test
  void refusesNegativeAndNaNLengths() {
    assertThatThrownBy(() -> LengthDistribution.parse("fixed:-3")).hasMessageContaining("must not be negative, got -3");
    assertThatThrownBy(() -> LengthDistribution.parse("uniform:-1:10")).hasMessageContaining("lower bound must not be negative");
    assertThatThrownBy(() -> LengthDistribution.parse("fixed:NaN")).hasMessageContaining("must be a finite number");
    assertThatThrownBy(() -> LengthDistribution.parse("uniform:100:10")).hasMessageContaining("reversed");
    assertThatThrownBy(() -> LengthDistribution.parse("normal:10:3")).hasMessageContaining("unknown length distribution 'normal:10:3'");
    assertThatThrownBy(() -> LengthDistribution.parse("fixed:abc")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> new TokenMoments(Double.NaN, 1, 1, 1, 1, 2)).hasMessageContaining("E[s] must be finite");
    assertThatThrownBy(() -> new TokenMoments(0, 0, 0, 0, 0, 0)).hasMessageContaining("workload has no tokens");
  }

  @Test
  void refusesTargetUtilizationOutsideTheOpenUnitInterval() {
    Capacity capacity = new PaperModel().solve(
        new IndependentLengths(new LengthDistribution.Fixed(100), new LengthDistribution.Fixed(100)),
        EngineConfig.of(10_000, 512, STEP));
    for (double rho : new double[] {0, 1, 1.2, -0.5, Double.NaN}) {
      assertThatThrownBy(() -> Provisioning.plan(capacity, 1.0, rho))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly between 0 and 1");
    }
    assertThatThrownBy(() -> Provisioning.plan(capacity, Double.NaN, 0.9)).hasMessageContaining("arrival rate");
    assertThatThrownBy(() -> Provisioning.plan(capacity, -1, 0.9)).hasMessageContaining("arrival rate");
  }

  @Test
  void refusesARequestLargerThanTheCache() {
    IndependentLengths huge = new IndependentLengths(new LengthDistribution.Fixed(9000), new LengthDistribution.Fixed(2000));
    EngineConfig engine = EngineConfig.of(10_000, 512, STEP);
    for (ModelKind kind : ModelKind.values()) {
      assertThatThrownBy(() -> StabilityModels.of(kind).solve(huge, engine))
          .hasMessageContaining("largest request (s + o = 11000 tokens) does not fit in the KV cache of 10000 tokens");
    }
  }

  @Test
  void refusesAnUnknownModel() {
    assertThatThrownBy(() -> ModelKind.parse("magic")).hasMessageContaining("unknown model 'magic'");
  }
}
