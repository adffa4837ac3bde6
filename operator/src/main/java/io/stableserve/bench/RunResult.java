package io.stableserve.bench;

import java.util.List;

/**
 * The figures of one policy, at one setting, on one workload.
 *
 * @param kind the policy
 * @param setting the setting it ran with (a peer's knob, StableServe's defaults, the bound's factor)
 * @param defaultSetting the setting is the policy's documented default
 * @param gpuHours GPU-hours over the load's duration: every replica from its creation (start-up
 *     included) until it is gone (drain included), one GPU each
 * @param requests requests that arrived during the load
 * @param sloAttainment share of those requests whose first token came within the TTFT target;
 *     a request still unfinished at the end of the run counts as a miss
 * @param ttftP99 the 99th percentile of TTFT in seconds (infinite when more than 1% never
 *     finished)
 * @param longestBacklogSeconds the longest stretch during which some request without its first token
 *     (in an engine's waiting queue or held at the router or gateway) had waited longer than the TTFT
 *     target, at 1 s samples: arrivals outrunning service, not the requests that arrive during a step
 * @param peakQueue the most requests waiting at one sample
 * @param scalingActions decisions that changed the replica count
 * @param preemptions preemptions over all replicas
 * @param replicas the replicas asked for over time, sampled every 15 s
 */
public record RunResult(
    PolicyKind kind,
    String policy,
    String setting,
    boolean defaultSetting,
    String workload,
    double gpuHours,
    long requests,
    double sloAttainment,
    double ttftP99,
    double longestBacklogSeconds,
    int peakQueue,
    int scalingActions,
    long preemptions,
    List<double[]> replicas) {

  /** The same figures, for a policy at a setting. */
  public RunResult at(GridPoint point) {
    return new RunResult(point.kind(), point.kind().displayName(), point.setting(), point.isDefault(), workload, gpuHours, requests,
        sloAttainment, ttftP99, longestBacklogSeconds, peakQueue, scalingActions, preemptions, replicas);
  }

  /** The same figures, for a bound at a factor. */
  public RunResult asBound(PolicyKind bound, String factor) {
    if (!bound.isBound()) {
      throw new IllegalArgumentException(bound + " is not a bound");
    }
    return new RunResult(bound, bound.displayName(), factor, false, workload, gpuHours, requests, sloAttainment, ttftP99,
        longestBacklogSeconds, peakQueue, scalingActions, preemptions, replicas);
  }
}
