package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.estimate.BinnedLengths;
import io.stableserve.estimate.ObservedWorkload;
import io.stableserve.observe.TokenHistogram;
import io.stableserve.sim.Validation;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

/** The advisor on issue 4's workload as the operator sees it: vLLM's length histograms. */
class SchedulerEngineAdvisorTest {

  static final double[] VLLM_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000};

  static BinnedLengths observed(String metric, double low, double high, long seed) {
    MersenneTwister random = new MersenneTwister(seed);
    double[] cumulative = new double[VLLM_BUCKETS.length];
    double sum = 0;
    int n = 5000;
    for (int i = 0; i < n; i++) {
      long x = Math.round(low + (high - low) * random.nextDouble());
      sum += x;
      for (int b = 0; b < VLLM_BUCKETS.length; b++) {
        if (x <= VLLM_BUCKETS[b]) {
          cumulative[b]++;
        }
      }
    }
    List<TokenHistogram.Bucket> buckets = new ArrayList<>();
    for (int b = 0; b < VLLM_BUCKETS.length; b++) {
      buckets.add(new TokenHistogram.Bucket(VLLM_BUCKETS[b], cumulative[b]));
    }
    buckets.add(new TokenHistogram.Bucket(Double.POSITIVE_INFINITY, n));
    return BinnedLengths.from(new TokenHistogram(metric, buckets, sum, n), OptionalDouble.empty());
  }

  @Test
  void recommendsACapBelowWhereTheCacheOvercommits() {
    ObservedWorkload workload = new ObservedWorkload(observed("vllm:request_prompt_tokens", 300, 3000, 1),
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
    ObservedWorkload workload = new ObservedWorkload(observed("vllm:request_prompt_tokens", 10, 300, 3),
        observed("vllm:request_generation_tokens", 10, 300, 4), Optional.empty());
    EngineConfig engine = Validation.linearEngine(131_000).withMaxNumSeqs(512);
    assertThat(SchedulerEngineAdvisor.standard().advise(workload, engine,
        new IterativeModel().solve(workload, engine))).isEmpty();
  }
}
