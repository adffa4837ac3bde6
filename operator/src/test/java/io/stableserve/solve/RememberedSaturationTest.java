package io.stableserve.solve;

import io.stableserve.sim.StabilityModels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RememberedSaturationTest {

  static final EngineConfig ENGINE = EngineConfig.of(48_000, 512, new StepTimeModel(0.015, 2e-5, 1e-7)).withMaxNumSeqs(256);

  static Workload prompts(int from, int to) {
    return new IndependentLengths(LengthDistribution.parse("uniform:" + from + ":" + to), LengthDistribution.parse("uniform:20:600"));
  }

  /** A stand-in for the saturated run that counts its calls and returns a rate from the mean prompt. */
  static final class CountingRun implements java.util.function.BiFunction<Workload, EngineConfig, Saturation> {
    final List<Workload> runs = new ArrayList<>();

    @Override
    public Saturation apply(Workload w, EngineConfig e) {
      runs.add(w);
      return new Saturation(1000 / w.moments().meanPrompt(), 0, 0, 1000, 0, 100);
    }
  }

  @Test
  void aWorkloadWithinTheSameFivePercentStepsIsRunOnce() {
    CountingRun run = new CountingRun();
    RememberedSaturation remembered = new RememberedSaturation(run, 8);
    Saturation first = remembered.apply(prompts(300, 3000), ENGINE);
    // moments 0.1% away: the same key, the first run's figures
    Saturation again = remembered.apply(prompts(301, 3001), ENGINE);
    assertThat(again).isSameAs(first);
    assertThat(run.runs).hasSize(1);
    // 30% longer prompts, or another cap, are new runs
    remembered.apply(prompts(400, 4000), ENGINE);
    remembered.apply(prompts(300, 3000), ENGINE.withMaxNumSeqs(24));
    assertThat(run.runs).hasSize(3);
    assertThat(remembered.size()).isEqualTo(3);
  }

  @Test
  void theLeastRecentlyUsedRunIsForgottenFirst() {
    CountingRun run = new CountingRun();
    RememberedSaturation remembered = new RememberedSaturation(run, 2);
    remembered.apply(prompts(300, 3000), ENGINE);
    remembered.apply(prompts(600, 6000), ENGINE);
    remembered.apply(prompts(300, 3000), ENGINE); // used again: now the most recent
    remembered.apply(prompts(1200, 12000), ENGINE); // forgets 600:6000
    assertThat(remembered.size()).isEqualTo(2);
    remembered.apply(prompts(300, 3000), ENGINE);
    assertThat(run.runs).hasSize(3);
    remembered.apply(prompts(600, 6000), ENGINE);
    assertThat(run.runs).hasSize(4);
  }

  @Test
  void theSchedulerModelOfTheProcessSharesItsRuns() {
    assertThat(StabilityModels.of(ModelKind.SCHEDULER)).isSameAs(StabilityModels.scheduler()).isSameAs(StabilityModels.of(ModelKind.SCHEDULER));
  }

  @Test
  void whichWorkloadARememberedRunStandsForDependsOnWhatCameFirstUnlessTheSolversAreOwn() {
    EngineConfig engine = EngineConfig.of(48_000, 512, new StepTimeModel(0.015, 2e-5, 1e-7)).withMaxNumSeqs(64);
    Workload first = prompts(300, 3000);
    Workload second = prompts(301, 3001);
    assertThat(RememberedSaturation.key(second, engine)).isEqualTo(RememberedSaturation.key(first, engine));
    StabilityModels shared = new StabilityModels();
    double firstRate = shared.solver(ModelKind.SCHEDULER).solve(first, engine).stableRate();
    assertThat(shared.solver(ModelKind.SCHEDULER).solve(second, engine).stableRate())
        .as("after the first, the second workload is solved with the first one's run").isEqualTo(firstRate);
    assertThat(new StabilityModels().solver(ModelKind.SCHEDULER).solve(second, engine).stableRate())
        .as("solvers of its own run the second workload itself").isNotEqualTo(firstRate);
  }

  @Test
  void rememberingNothingIsRefused() {
    assertThatThrownBy(() -> new RememberedSaturation(new CountingRun(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
  }
}
