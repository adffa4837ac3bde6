package io.stableserve.sim;

/** Told of every request an engine finishes. Times are simulated seconds. */
@FunctionalInterface
public interface CompletionListener {

  /**
   * @param firstScheduled when the engine first gave the request a step (queue time = this − arrival)
   * @param firstToken when its first output token was produced (TTFT = this − arrival)
   * @param finish when its last output token was produced
   * @param preemptions how often it was preempted and recomputed
   */
  void completed(long requestId, double arrival, double firstScheduled, double firstToken, double finish,
      int promptTokens, int outputTokens, int preemptions);

  CompletionListener NONE = (id, a, s, f, e, p, o, n) -> { };
}
