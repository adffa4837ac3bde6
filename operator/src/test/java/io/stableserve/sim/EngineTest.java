package io.stableserve.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

/** The engine's mechanics on cases small enough to work out by hand. Block size 16 throughout. */
class EngineTest {

  record Done(long id, double arrival, double firstScheduled, double firstToken, double finish, int preemptions) {}

  final List<Done> done = new ArrayList<>();

  Engine engine(long kvTokens, int chunk, Integer budget, Integer maxSeqs, StepTimeModel step) {
    EngineConfig config = new EngineConfig(kvTokens, chunk,
        maxSeqs == null ? OptionalInt.empty() : OptionalInt.of(maxSeqs),
        budget == null ? OptionalInt.empty() : OptionalInt.of(budget), step);
    return new Engine(EngineSetup.of(config), new MersenneTwister(1),
        (id, a, s, f, e, p, o, n) -> done.add(new Done(id, a, s, f, e, n)));
  }

  @Test
  void prefillsInChunksOfTheTokenBudgetThenDecodesOneTokenPerStep() {
    Engine e = engine(100_000, 512, null, null, StepTimeModel.constant(1));
    e.submit(7, 0, 1200, 3);
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {7, 512}});
    e.advanceTo(1);
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {7, 512}});
    e.advanceTo(2);
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {7, 176}});
    assertThat(e.generatedTokens(7)).isZero();
    e.advanceTo(3); // the last chunk produced the first token
    assertThat(e.generatedTokens(7)).isEqualTo(1);
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {7, 1}});
    e.advanceTo(10);
    assertThat(done).containsExactly(new Done(7, 0, 0, 3, 5, 0));
    assertThat(e.steps()).isEqualTo(5);
    assertThat(e.tokensComputed()).isEqualTo(1200 + 2);
    assertThat(e.isBusy()).isFalse();
  }

  @Test
  void decodesTakeTheBudgetFirstAndPrefillGetsTheRest() {
    Engine e = engine(100_000, 10, null, null, StepTimeModel.constant(1));
    e.submit(1, 0, 5, 10);
    e.submit(2, 0.5, 30, 2);
    e.advanceTo(1);
    // Request 1 decodes one token; request 2 gets the 9 budget tokens left.
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {1, 1}, new long[] {2, 9}});
    e.advanceTo(2);
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {1, 1}, new long[] {2, 9}});
  }

  @Test
  void chunkBelowTheBudgetCapsOneRequestsPrefillPerStep() {
    Engine e = engine(100_000, 100, 1000, null, StepTimeModel.constant(1));
    e.submit(1, 0, 250, 1);
    e.submit(2, 0, 250, 1); // arrives while the first step is in flight
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {1, 100}});
    e.advanceTo(1);
    assertThat(e.stepPlan()).isDeepEqualTo(new long[][] {new long[] {1, 100}, new long[] {2, 100}});
  }

  @Test
  void allocatesWholeBlocksAndGrowsBlockByBlock() {
    Engine e = engine(16 * 10, 512, null, null, StepTimeModel.constant(1));
    e.submit(1, 0, 31, 5);
    assertThat(e.blocksHeld(1)).isEqualTo(2); // ⌈31/16⌉
    e.advanceTo(1); // token 32 fits the second block
    assertThat(e.blocksHeld(1)).isEqualTo(2);
    e.advanceTo(2); // token 33 needs a third
    assertThat(e.blocksHeld(1)).isEqualTo(3);
    assertThat(e.usedBlocks()).isEqualTo(3);
    assertThat(e.kvCacheUsage()).isCloseTo(0.3, within(1e-12));
    e.advanceTo(10);
    assertThat(e.usedBlocks()).isZero();
    assertThat(e.kvTokens()).isZero();
  }

  @Test
  void preemptsTheLastRunningRequestAndPutsItAtTheFrontOfTheQueue() {
    Engine e = engine(16 * 4, 512, null, null, StepTimeModel.constant(1));
    e.submit(1, 0, 16, 20); // step [0,1): 1 block
    e.submit(2, 0, 16, 20);
    e.submit(3, 0, 16, 20);
    e.advanceTo(1); // 1 grows to 2 blocks, 2 and 3 admitted with one each: cache full
    assertThat(e.runningIds()).containsExactly(1, 2, 3);
    assertThat(e.usedBlocks()).isEqualTo(4);
    e.advanceTo(2); // 2 needs a second block: 3, the last admitted, is preempted
    assertThat(e.runningIds()).containsExactly(1, 2);
    assertThat(e.waitingIds()).containsExactly(3);
    assertThat(e.preemptions()).isEqualTo(1);
    assertThat(e.computedTokens(3)).isZero();
    assertThat(e.blocksHeld(3)).isZero();
    assertThat(e.generatedTokens(3)).isEqualTo(1); // its output so far is kept, only its KV is lost
    assertThat(e.blocksHeld(2)).isEqualTo(2);
  }

  @Test
  void admitsNothingInAStepThatPreemptedAndKeepsFcfsBehindABlockedHead() {
    Engine e = engine(16 * 5, 512, null, null, StepTimeModel.constant(1));
    e.submit(1, 0, 16, 30); // step [0,1): 1 block
    e.submit(2, 0.5, 48, 10);
    e.advanceTo(1); // 1 grows to 2 blocks; 2 admitted with 3: cache full
    assertThat(e.runningIds()).containsExactly(1, 2);
    e.submit(3, 1.5, 8, 5);
    e.advanceTo(2);
    // 2 needs a fourth block; it is the last running request, so it preempts itself and frees 3
    // blocks. Request 3 would fit in them, but nothing is admitted in a step that preempted.
    assertThat(e.runningIds()).containsExactly(1);
    assertThat(e.waitingIds()).containsExactly(2, 3);
    assertThat(e.usedBlocks()).isEqualTo(2);
    e.advanceTo(3);
    // Now the head (2, recomputing 48 + 1 tokens = 4 blocks) does not fit in 3 free blocks, and
    // FCFS keeps 3 behind it.
    assertThat(e.runningIds()).containsExactly(1);
    assertThat(e.waitingIds()).containsExactly(2, 3);
    e.advanceTo(1000);
    // When 1 finishes both are admitted together; 3 is shorter and finishes first.
    assertThat(done).extracting(Done::id).containsExactly(1L, 3L, 2L);
    assertThat(done.get(2).preemptions()).isEqualTo(1);
    assertThat(done.get(2).firstScheduled()).isEqualTo(1.0); // queue time counts the first admission
  }

  @Test
  void capsRunningRequestsAtMaxNumSeqs() {
    Engine e = engine(100_000, 512, null, 2, StepTimeModel.constant(1));
    e.submit(1, 0, 10, 5);
    e.submit(2, 0.1, 10, 5);
    e.submit(3, 0.2, 10, 5);
    e.advanceTo(1);
    assertThat(e.runningIds()).containsExactly(1, 2);
    assertThat(e.waitingIds()).containsExactly(3);
  }

  @Test
  void stepTimeIsBasePlusComputedPlusResidentTokens() {
    Engine e = engine(100_000, 512, null, null, new StepTimeModel(0.01, 0.001, 0.0001));
    e.submit(1, 0, 100, 2);
    // Step 1: 100 tokens computed, 100 resident: 0.01 + 0.1 + 0.01.
    assertThat(e.nextStepEnd()).isCloseTo(0.12, within(1e-12));
    e.advanceTo(0.12);
    // Step 2: 1 token computed, 101 resident: 0.01 + 0.001 + 0.0101.
    assertThat(e.nextStepEnd()).isCloseTo(0.12 + 0.0211, within(1e-12));
    e.advanceTo(1);
    assertThat(done).hasSize(1);
    assertThat(done.get(0).firstToken()).isCloseTo(0.12, within(1e-12));
    assertThat(done.get(0).finish()).isCloseTo(0.1411, within(1e-12));
  }

  @Test
  void stepNoiseKeepsTheMeanStepTime() {
    EngineConfig config = EngineConfig.of(1_000_000, 512, StepTimeModel.constant(0.02));
    Engine e = new Engine(EngineSetup.of(config).withStepNoise(0.3), new MersenneTwister(5), CompletionListener.NONE);
    e.submit(1, 0, 1, 20_000); // one step per output token
    e.advanceTo(1e9);
    assertThat(e.steps()).isEqualTo(20_000);
    assertThat(e.busySeconds() / e.steps()).isCloseTo(0.02, within(0.02 * 0.01));
  }

  @Test
  void queueTimeAndTtftCountFromArrival() {
    Engine e = engine(100_000, 512, null, null, StepTimeModel.constant(1));
    e.submit(1, 0, 10, 3);
    e.submit(2, 0.25, 10, 1); // waits for the step in flight to end at 1
    e.advanceTo(100);
    Done second = done.stream().filter(d -> d.id() == 2).findFirst().orElseThrow();
    assertThat(second.firstScheduled() - second.arrival()).isCloseTo(0.75, within(1e-12));
    assertThat(second.firstToken() - second.arrival()).isCloseTo(1.75, within(1e-12));
  }

  @Test
  void rejectsRequestsLargerThanTheCacheAndBadInput() {
    Engine e = engine(16 * 4, 512, null, null, StepTimeModel.constant(1));
    assertThat(e.submit(1, 0, 60, 10)).isFalse();
    assertThat(e.rejected()).isEqualTo(1);
    assertThat(e.submit(2, 0, 60, 5)).isTrue(); // 64 tokens at most: exactly 4 blocks
    assertThatThrownBy(() -> e.submit(3, 0, 0, 5)).hasMessageContaining("at least one prompt");
    e.advanceTo(5);
    assertThatThrownBy(() -> e.submit(4, 1, 5, 5)).hasMessageContaining("before the engine's clock");
  }

  @Test
  void metricsCountWhatTheEngineDid() {
    Engine e = engine(100_000, 512, null, null, StepTimeModel.constant(0.05));
    e.submit(1, 0, 1200, 3);
    e.submit(2, 0, 20, 4);
    e.advanceTo(100);
    var m = e.metrics();
    assertThat(m.successTotal()).isEqualTo(2);
    assertThat(m.promptTokens()).isEqualTo(1220);
    assertThat(m.generationTokens()).isEqualTo(7);
    assertThat(m.timeToFirstToken().count()).isEqualTo(2);
    assertThat(m.interTokenLatency().count()).isEqualTo(5);
    assertThat(m.iterationTokens().count()).isEqualTo(e.steps());
    assertThat(m.iterationTokens().sum()).isEqualTo(e.tokensComputed());
    assertThat(m.running()).isZero();
    assertThat(m.kvCacheUsage()).isZero();
  }

  @Test
  void countsTheTokensPreemptionThrowsAway() {
    Engine e = engine(16 * 4, 512, null, null, StepTimeModel.constant(1));
    e.submit(1, 0, 16, 20);
    e.submit(2, 0, 16, 20);
    e.submit(3, 0, 16, 20);
    e.advanceTo(2); // as above: 3 is preempted after computing its 16 prompt tokens
    assertThat(e.recomputedTokens()).isEqualTo(16);
    // KV token-seconds: step [0,1) holds 16 tokens (request 1), step [1,2) holds 17 + 16 + 16.
    assertThat(e.kvTokenSeconds()).isCloseTo(16 + 49 + e.kvTokens(), within(1e-9));
  }
}
