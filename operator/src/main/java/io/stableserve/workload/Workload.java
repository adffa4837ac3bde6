package io.stableserve.workload;

import java.util.Optional;

/**
 * What one replica is asked to serve: the token statistics of its requests and, where known, how
 * they arrive.
 */
public interface Workload {

  TokenMoments moments();

  /** E[⌈s/ŝ⌉], the mean number of prefill steps per request at chunk size ŝ. */
  double meanPrefillChunks(int chunkTokens);

  /** Arrival statistics, when the workload carries timestamps (a trace) or was measured. */
  default Optional<ArrivalStatistics> arrivals() {
    return Optional.empty();
  }

  String describe();
}
