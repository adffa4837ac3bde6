package io.stableserve.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What Prometheus said about one service over one window, before any estimation: the raw,
 * window-averaged signals summed (or averaged, where stated) over the service's replicas. The
 * estimate stage ({@code io.stableserve.estimate}) turns it into a {@code ServiceEstimate}.
 *
 * @param at the evaluation time of every query (the end of the window)
 * @param window the estimation window W
 * @param resolution the sub-interval length of {@code intervals}
 * @param names the vLLM metric names found per signal
 * @param replicas engines seen: the number of {@code vllm:num_requests_running} series
 * @param completions requests finished in the window, any finish reason:
 *     {@code sum(increase(vllm:request_success_total[W]))}
 * @param inSystemNow running + waiting at {@code at}
 * @param inSystemAtStart running + waiting at {@code at − W}; empty when the series did not exist
 *     then (the service is younger than the window)
 * @param arrivalsOverride arrivals per second from a user PromQL, when one is configured
 * @param running requests running at {@code at}, summed over replicas
 * @param waiting requests waiting at {@code at}, summed over replicas
 * @param leastWaiting the fewest requests waiting on any one replica at {@code at}; empty when unknown
 * @param prompt the prompt-length histogram over the window
 * @param output the output-length histogram over the window
 * @param meanPromptOverride E[s] from a user PromQL, when configured
 * @param meanOutputOverride E[o] from a user PromQL, when configured
 * @param kvCacheUsage KV-cache usage in [0, 1], averaged over replicas, at {@code at}
 * @param kvCache M per replica from {@code vllm:cache_config_info}, when exported
 * @param preemptionsPerSecond {@code sum(rate(vllm:num_preemptions_total[W]))}
 * @param stepsPerSecond engine steps per second summed over replicas, from
 *     {@code vllm:iteration_tokens_total_count}
 * @param tokensPerStep mean tokens computed per step, from {@code vllm:iteration_tokens_total}
 * @param stepSeconds mean inter-token latency over the window (decode step time)
 * @param intervals the window cut into sub-intervals of {@code resolution}, oldest first
 * @param newestSampleAge the age of the newest {@code vllm:num_requests_running} sample at {@code at}
 * @param notes what was assumed or could not be read, in words
 */
public record Observation(
    Instant at,
    Duration window,
    Duration resolution,
    VllmMetricNames names,
    int replicas,
    double completions,
    double inSystemNow,
    OptionalDouble inSystemAtStart,
    OptionalDouble arrivalsOverride,
    double running,
    double waiting,
    OptionalDouble leastWaiting,
    Optional<TokenHistogram> prompt,
    Optional<TokenHistogram> output,
    OptionalDouble meanPromptOverride,
    OptionalDouble meanOutputOverride,
    OptionalDouble kvCacheUsage,
    Optional<KvCacheCapacity> kvCache,
    OptionalDouble preemptionsPerSecond,
    OptionalDouble stepsPerSecond,
    OptionalDouble tokensPerStep,
    OptionalDouble stepSeconds,
    List<IntervalSample> intervals,
    Duration newestSampleAge,
    List<String> notes) {

  public Observation {
    if (at == null || window == null || resolution == null || names == null || newestSampleAge == null) {
      throw new IllegalArgumentException("an observation needs its time, window, resolution, metric names and sample age");
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas seen must be >= 0, got " + replicas);
    }
    intervals = intervals == null ? List.of() : List.copyOf(intervals);
    leastWaiting = leastWaiting == null ? OptionalDouble.empty() : leastWaiting;
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  /**
   * One sub-interval (t − resolution, t] of the window.
   *
   * @param end t
   * @param arrivals requests that arrived in the sub-interval: completions plus the change of
   *     running + waiting (or the override's rate × length)
   * @param stepsPerSecond engine steps per second per replica, when exported
   * @param tokensPerStep mean tokens computed per step, when exported and steps happened
   * @param kvCacheUsage mean KV-cache usage fraction over replicas at t
   * @param stepSeconds mean inter-token latency in the sub-interval, when tokens were generated
   */
  public record IntervalSample(
      Instant end,
      double arrivals,
      OptionalDouble stepsPerSecond,
      OptionalDouble tokensPerStep,
      OptionalDouble kvCacheUsage,
      OptionalDouble stepSeconds) {
    public IntervalSample {
      if (end == null) {
        throw new IllegalArgumentException("an interval sample needs its end time");
      }
    }
  }
}
