package io.stableserve.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the metrics said about one service over one window, before any estimation: the raw,
 * window-averaged signals summed (or averaged, where stated) over the service's replicas. The
 * estimate stage ({@code io.stableserve.estimate}) turns it into a {@code ServiceEstimate}.
 *
 * @param at the evaluation time of every query (the end of the window)
 * @param window the window observed (shorter than asked for when the series are younger) and its resolution
 * @param names the vLLM metric names found per signal
 * @param flow what completed and what was in the system, from which arrivals are counted
 * @param occupancy the replicas and what they hold at {@code at}
 * @param lengths the token lengths of the window's requests
 * @param engine what the engines said about their cache and steps
 * @param intervals the window cut into sub-intervals of the resolution, oldest first
 * @param newestSampleAge the age of the newest {@code vllm:num_requests_running} sample at {@code at}
 * @param notes what was assumed or could not be read, in words
 */
public record Observation(
    Instant at,
    ObservationWindow window,
    VllmMetricNames names,
    RequestFlow flow,
    Occupancy occupancy,
    TokenLengths lengths,
    EngineSignals engine,
    List<IntervalSample> intervals,
    Duration newestSampleAge,
    List<String> notes) {

  public Observation {
    if (at == null || window == null || names == null || flow == null || occupancy == null || lengths == null
        || engine == null || newestSampleAge == null) {
      throw new IllegalArgumentException(
          "an observation needs its time, window, metric names, request flow, occupancy, token lengths, engine signals and sample age");
    }
    intervals = intervals == null ? List.of() : List.copyOf(intervals);
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  /**
   * Requests through the service over the window.
   *
   * @param completions requests finished in the window, any finish reason
   * @param inSystemNow running + waiting at the window's end
   * @param inSystemAtStart running + waiting at its start; empty when the series did not exist
   *     then (the service is younger than the window)
   * @param arrivalsOverride arrivals per second from a user query, when one is configured
   */
  public record RequestFlow(double completions, double inSystemNow, OptionalDouble inSystemAtStart,
      OptionalDouble arrivalsOverride) {
    public RequestFlow {
      inSystemAtStart = Objects.requireNonNullElse(inSystemAtStart, OptionalDouble.empty());
      arrivalsOverride = Objects.requireNonNullElse(arrivalsOverride, OptionalDouble.empty());
    }
  }

  /**
   * The replicas and what they hold at the window's end.
   *
   * @param replicas engines seen: the number of {@code vllm:num_requests_running} series
   * @param running requests running, summed over replicas
   * @param waiting requests waiting, summed over replicas
   * @param leastWaiting the fewest requests waiting on any one replica; empty when unknown
   * @param kvCacheUsage KV-cache usage in [0, 1], averaged over replicas
   * @param gatewayQueue requests held in front of the replicas (a gateway's flow-control queue), when
   *     a gateway's metrics are read; they have arrived and wait, but no replica counts them
   */
  public record Occupancy(int replicas, double running, double waiting, OptionalDouble leastWaiting,
      OptionalDouble kvCacheUsage, OptionalDouble gatewayQueue) {

    public Occupancy(int replicas, double running, double waiting, OptionalDouble leastWaiting, OptionalDouble kvCacheUsage) {
      this(replicas, running, waiting, leastWaiting, kvCacheUsage, OptionalDouble.empty());
    }

    public Occupancy {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas seen must be >= 0, got " + replicas);
      }
      leastWaiting = Objects.requireNonNullElse(leastWaiting, OptionalDouble.empty());
      kvCacheUsage = Objects.requireNonNullElse(kvCacheUsage, OptionalDouble.empty());
      gatewayQueue = Objects.requireNonNullElse(gatewayQueue, OptionalDouble.empty());
    }
  }

  /**
   * Token lengths of the requests of the window.
   *
   * @param prompt the prompt-length histogram over the window
   * @param output the output-length histogram over the window
   * @param meanPromptOverride E[s] from a user query, when configured
   * @param meanOutputOverride E[o] from a user query, when configured
   * @param recentPromptMean E[s] of the requests that got their first token in the window's last
   *     sub-intervals ({@code vllm:prompt_tokens_total} over the TTFT count): the arriving mix, which
   *     moves before the completed requests' histogram does
   * @param latestPromptMean the same between the counters' newest two scrapes, the shortest span they
   *     resolve, where a shift of the mix shows first
   */
  public record TokenLengths(Optional<WindowHistogram> prompt, Optional<WindowHistogram> output,
      OptionalDouble meanPromptOverride, OptionalDouble meanOutputOverride, OptionalDouble recentPromptMean,
      OptionalDouble latestPromptMean) {

    public TokenLengths(Optional<WindowHistogram> prompt, Optional<WindowHistogram> output,
        OptionalDouble meanPromptOverride, OptionalDouble meanOutputOverride) {
      this(prompt, output, meanPromptOverride, meanOutputOverride, OptionalDouble.empty(), OptionalDouble.empty());
    }

    public TokenLengths(Optional<WindowHistogram> prompt, Optional<WindowHistogram> output,
        OptionalDouble meanPromptOverride, OptionalDouble meanOutputOverride, OptionalDouble recentPromptMean) {
      this(prompt, output, meanPromptOverride, meanOutputOverride, recentPromptMean, OptionalDouble.empty());
    }

    public TokenLengths {
      prompt = Objects.requireNonNullElse(prompt, Optional.empty());
      output = Objects.requireNonNullElse(output, Optional.empty());
      meanPromptOverride = Objects.requireNonNullElse(meanPromptOverride, OptionalDouble.empty());
      meanOutputOverride = Objects.requireNonNullElse(meanOutputOverride, OptionalDouble.empty());
      recentPromptMean = Objects.requireNonNullElse(recentPromptMean, OptionalDouble.empty());
      latestPromptMean = Objects.requireNonNullElse(latestPromptMean, OptionalDouble.empty());
    }

    public static TokenLengths of(WindowHistogram prompt, WindowHistogram output) {
      return new TokenLengths(Optional.of(prompt), Optional.of(output), OptionalDouble.empty(), OptionalDouble.empty());
    }
  }

  /**
   * What the engines said about their cache, steps and latency.
   *
   * @param kvCache M per replica from {@code vllm:cache_config_info}, when exported
   * @param preemptionsPerSecond preemptions per second, summed over replicas
   * @param stepsPerSecond engine steps per second summed over replicas, from
   *     {@code vllm:iteration_tokens_total_count}
   * @param tokensPerStep mean tokens computed per step, from {@code vllm:iteration_tokens_total}
   * @param stepSeconds mean inter-token latency over the window (decode step time)
   * @param ttft the time-to-first-token histogram over the window ({@code vllm:time_to_first_token_seconds})
   * @param ttftPercentileOverride the TTFT percentile from a user query, seconds, when one is configured
   */
  public record EngineSignals(Optional<KvCacheCapacity> kvCache, OptionalDouble preemptionsPerSecond,
      OptionalDouble stepsPerSecond, OptionalDouble tokensPerStep, OptionalDouble stepSeconds, Optional<WindowHistogram> ttft,
      OptionalDouble ttftPercentileOverride) {

    public EngineSignals(Optional<KvCacheCapacity> kvCache, OptionalDouble preemptionsPerSecond, OptionalDouble stepsPerSecond,
        OptionalDouble tokensPerStep, OptionalDouble stepSeconds) {
      this(kvCache, preemptionsPerSecond, stepsPerSecond, tokensPerStep, stepSeconds, Optional.empty(), OptionalDouble.empty());
    }

    public EngineSignals(Optional<KvCacheCapacity> kvCache, OptionalDouble preemptionsPerSecond, OptionalDouble stepsPerSecond,
        OptionalDouble tokensPerStep, OptionalDouble stepSeconds, Optional<WindowHistogram> ttft) {
      this(kvCache, preemptionsPerSecond, stepsPerSecond, tokensPerStep, stepSeconds, ttft, OptionalDouble.empty());
    }

    public EngineSignals {
      kvCache = Objects.requireNonNullElse(kvCache, Optional.empty());
      preemptionsPerSecond = Objects.requireNonNullElse(preemptionsPerSecond, OptionalDouble.empty());
      stepsPerSecond = Objects.requireNonNullElse(stepsPerSecond, OptionalDouble.empty());
      tokensPerStep = Objects.requireNonNullElse(tokensPerStep, OptionalDouble.empty());
      stepSeconds = Objects.requireNonNullElse(stepSeconds, OptionalDouble.empty());
      ttft = Objects.requireNonNullElse(ttft, Optional.empty());
      ttftPercentileOverride = Objects.requireNonNullElse(ttftPercentileOverride, OptionalDouble.empty());
    }

    /** Nothing known beyond the preemption rate. */
    public static EngineSignals preemptionsOnly(OptionalDouble preemptionsPerSecond) {
      return new EngineSignals(Optional.empty(), preemptionsPerSecond, OptionalDouble.empty(), OptionalDouble.empty(),
          OptionalDouble.empty());
    }
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
   * @param promptMean E[s] of the requests that got their first token in the sub-interval
   *     ({@code vllm:prompt_tokens_total} over the TTFT count), when any did
   */
  public record IntervalSample(
      Instant end,
      double arrivals,
      OptionalDouble stepsPerSecond,
      OptionalDouble tokensPerStep,
      OptionalDouble kvCacheUsage,
      OptionalDouble stepSeconds,
      OptionalDouble promptMean) {
    public IntervalSample {
      if (end == null) {
        throw new IllegalArgumentException("an interval sample needs its end time");
      }
      promptMean = Objects.requireNonNullElse(promptMean, OptionalDouble.empty());
    }

    /** A sub-interval of which only the arrivals are known. */
    public static IntervalSample arrivalsOnly(Instant end, double arrivals) {
      return new IntervalSample(end, arrivals, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
          OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** This sub-interval with the prompts' mean of the requests that started in it. */
    public IntervalSample withPromptMean(OptionalDouble mean) {
      return new IntervalSample(end, arrivals, stepsPerSecond, tokensPerStep, kvCacheUsage, stepSeconds, mean);
    }
  }
}
