package io.stableserve.reconcile;

import io.stableserve.sim.metrics.CacheConfigInfo;
import io.stableserve.sim.metrics.VllmExposition;
import io.stableserve.sim.metrics.VllmMetrics;

/**
 * A vLLM metrics page whose load the test sets: requests of fixed length complete at the set rate
 * with a constant batch and no queue, so arrivals equal completions. Counters advance with the wall
 * clock at whatever rate is set, so they stay monotone when the rate changes.
 */
final class ControlledVllm {

  static final int PROMPT = 1000;
  static final int OUTPUT = 200;
  static final long KV_TOKENS = 48_000;

  private final String model;
  private final VllmMetrics metrics = new VllmMetrics(CacheConfigInfo.forTokens(KV_TOKENS, 16), 8192);
  private double rate;
  private double pending;
  private long lastNanos = System.nanoTime();

  ControlledVllm(String model, double requestsPerSecond) {
    this.model = model;
    this.rate = requestsPerSecond;
  }

  synchronized void setRate(double requestsPerSecond) {
    advance();
    rate = requestsPerSecond;
  }

  synchronized String render() {
    advance();
    return VllmExposition.render(metrics.snapshot(), model, 0, VllmExposition.Dialect.V1);
  }

  private void advance() {
    long now = System.nanoTime();
    pending += rate * (now - lastNanos) / 1e9;
    lastNanos = now;
    int done = (int) pending;
    pending -= done;
    for (int i = 0; i < done; i++) {
      metrics.firstToken(0.1, PROMPT);
      metrics.tokens(0.02, OUTPUT - 1);
      metrics.generatedTokens(OUTPUT);
      metrics.finished(VllmMetrics.FinishReason.STOP, PROMPT, OUTPUT, 0.0, 4.1);
      metrics.step(PROMPT / 2);
    }
    metrics.setScheduler((int) Math.round(rate * 4), 0, Math.min(1, rate * 4 * (PROMPT + OUTPUT / 2.0) / KV_TOKENS));
  }
}
