package io.stableserve.reconcile;

import io.stableserve.sim.metrics.CacheConfigInfo;
import io.stableserve.sim.metrics.VllmExposition;
import io.stableserve.sim.metrics.VllmMetrics;

/**
 * A vLLM metrics page (one page for the whole service) whose load the test sets. Requests of fixed
 * length arrive at the set rate; the service completes them as fast as its serving replicas can
 * (unbounded unless a capacity per replica is set), queueing the rest, and preempts at the set
 * rate while requests wait. Counters advance with the wall clock, so they stay monotone when the
 * settings change.
 */
final class ControlledVllm {

  static final int PROMPT = 1000;
  static final int OUTPUT = 200;
  static final long KV_TOKENS = 48_000;

  private final String model;
  private final VllmMetrics metrics = new VllmMetrics(CacheConfigInfo.forTokens(KV_TOKENS, 16), 8192);
  private double rate;
  private double capacityPerReplica = Double.POSITIVE_INFINITY;
  private int servingReplicas = 1;
  private double preemptionsWhileQueued;
  private double waiting;
  private double pendingCompletions;
  private double pendingPreemptions;
  private long lastNanos = System.nanoTime();

  ControlledVllm(String model, double requestsPerSecond) {
    this.model = model;
    this.rate = requestsPerSecond;
  }

  synchronized void setRate(double requestsPerSecond) {
    advance();
    rate = requestsPerSecond;
  }

  /** From now on each serving replica completes at most this many requests per second, preempting while requests wait. */
  synchronized void thrash(double capacityPerReplica, double preemptionsPerSecond) {
    advance();
    this.capacityPerReplica = capacityPerReplica;
    this.preemptionsWhileQueued = preemptionsPerSecond;
  }

  synchronized void setServingReplicas(int replicas) {
    advance();
    servingReplicas = replicas;
  }

  synchronized String render() {
    advance();
    return VllmExposition.render(metrics.snapshot(), model, 0, VllmExposition.Dialect.V1);
  }

  private void advance() {
    long now = System.nanoTime();
    double dt = (now - lastNanos) / 1e9;
    lastNanos = now;
    double capacity = servingReplicas * capacityPerReplica;
    double served;
    if (rate > capacity) {
      served = capacity * dt;
      waiting += (rate - capacity) * dt;
    } else {
      double drained = Math.min(waiting, (capacity - rate) * dt);
      waiting -= drained;
      served = rate * dt + drained;
    }
    if (waiting > 0) {
      pendingPreemptions += preemptionsWhileQueued * dt;
    }
    long preempted = (long) pendingPreemptions;
    pendingPreemptions -= preempted;
    metrics.addPreemptions(preempted);
    pendingCompletions += served;
    int done = (int) pendingCompletions;
    pendingCompletions -= done;
    for (int i = 0; i < done; i++) {
      metrics.firstToken(0.1, PROMPT);
      metrics.tokens(0.02, OUTPUT - 1);
      metrics.generatedTokens(OUTPUT);
      metrics.finished(VllmMetrics.FinishReason.STOP, PROMPT, OUTPUT, 0.0, 4.1);
      metrics.step(PROMPT / 2);
    }
    double running = Math.min(rate, capacity) * 4;
    metrics.setScheduler((int) Math.round(running), (int) waiting,
        Math.min(1, running * (PROMPT + OUTPUT / 2.0) / KV_TOKENS));
  }
}
