package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.estimate.BinnedLengths;
import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.testing.VllmHistograms;
import io.stableserve.sim.Validation;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

/** The advisor on issue 4's workload as the operator sees it: vLLM's length histograms. */
class SchedulerEngineAdvisorTest {

  /** 5,000 lengths uniform on [low, high], as vLLM's histogram records them. */
  static BinnedLengths observed(String metric, double low, double high, long seed) {
    MersenneTwister random = new MersenneTwister(seed);
    long[] lengths = new long[5000];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = Math.round(low + (high - low) * random.nextDouble());
    }
    return BinnedLengths.from(VllmHistograms.of(metric, lengths), OptionalDouble.empty());
  }

  @Test
  void recommendsACapBelowWhereTheCacheOvercommits() {
    WorkloadEstimate workload = new WorkloadEstimate(observed("vllm:request_prompt_tokens", 300, 3000, 1),
        observed("vllm:request_generation_tokens", 20, 600, 2), Optional.empty());
    EngineConfig engine = Validation.linearEngine(48_000).withMaxNumSeqs(256);
    EngineAdvice advice = SchedulerEngineAdvisor.standard()
        .advise(workload, engine, new IterativeModel().solve(workload, engine)).orElseThrow();
    assertThat(advice.setting()).isEqualTo("max_num_seqs");
    assertThat(advice.value()).isBetween(16L, 28L);
    assertThat(advice.currentValue()).isEqualTo(OptionalLong.of(256));
    assertThat(advice.gain()).isGreaterThan(EngineAdvisor.EVENT_GAIN);
    assertThat(advice.currentStableRate()).isBetween(2.3, 2.8);
  }

  @Test
  void noAdviceWhereNoCapHelps() {
    // Short requests in a big cache: memory never overcommits enough to thrash before compute binds.
    WorkloadEstimate workload = new WorkloadEstimate(observed("vllm:request_prompt_tokens", 10, 300, 3),
        observed("vllm:request_generation_tokens", 10, 300, 4), Optional.empty());
    EngineConfig engine = Validation.linearEngine(131_000).withMaxNumSeqs(512);
    assertThat(SchedulerEngineAdvisor.standard().advise(workload, engine,
        new IterativeModel().solve(workload, engine))).isEmpty();
  }
}
