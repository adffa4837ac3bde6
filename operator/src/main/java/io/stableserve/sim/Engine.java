package io.stableserve.sim;

import io.stableserve.sim.metrics.CacheConfigInfo;
import io.stableserve.sim.metrics.VllmMetrics;
import io.stableserve.sim.metrics.VllmMetricsSnapshot;
import io.stableserve.solve.StepTimeModel;
import java.util.Arrays;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * A discrete-event model of one vLLM V1 engine core: continuous batching one step at a time,
 * chunked prefill under a token budget, a paged KV cache, and vLLM V1's scheduling order.
 *
 * <p>Each step is scheduled when it starts, from the requests that arrived by then:
 *
 * <ol>
 *   <li>Running requests, in the order they were admitted, each get the tokens it still has to
 *       compute (one when decoding; the rest of its prompt, capped by the chunk, when prefilling),
 *       bounded by what is left of the step's token budget. A request that cannot get the blocks
 *       for those tokens makes the last running request give up all its blocks and go to the front
 *       of the waiting queue with its computed tokens lost (preemption by recompute), until it fits
 *       or is itself the one preempted, which ends this pass.
 *   <li>Only if nothing was preempted in this step: waiting requests in order (FCFS, preempted ones
 *       first) are admitted while the token budget, {@code max_num_seqs} and free blocks allow;
 *       a preempted request recomputes its prompt and the tokens it had already generated.
 * </ol>
 *
 * <p>The step lasts c₀ + c₁·(tokens computed) + c₂·(KV tokens resident after allocation), times
 * an optional log-normal noise factor. When it ends, every request whose computed tokens caught up
 * with its known tokens produces one output token; a request finishes with its last output token
 * and frees its blocks.
 *
 * <p>Requests live in slots of primitive arrays; nothing is allocated per token or per step.
 */
public final class Engine {

  private final EngineSetup spec;
  private final int blockSize;
  private final int totalBlocks;
  private final int tokenBudget;
  private final int chunkCap;
  private final int maxNumSeqs;
  private final StepTimeModel stepTime;
  private final double noiseSigma;
  private final RandomGenerator random;
  private final CompletionListener listener;
  private final VllmMetrics metrics;

  // Request slots.
  private long[] requestId;
  private double[] arrival;
  private double[] origin;
  private double[] firstScheduled;
  private double[] firstToken;
  private double[] lastToken;
  private int[] prompt;
  private int[] output;
  private int[] generated;
  private int[] computed;
  private int[] blocks;
  private int[] preemptedCount;
  private int[] freeSlots;
  private int freeSlotCount;
  private int slotCapacity;

  private final IntDeque waiting = new IntDeque(64);
  private int[] running = new int[64];
  private int runningCount;

  // The step in flight.
  private int[] stepSlot = new int[64];
  private int[] stepTokens = new int[64];
  private int stepCount;
  private boolean busy;
  private double stepStart;
  private double stepEnd;
  private double now;
  private double lastStepEnd;

  private int freeBlocks;
  private long kvTokens;
  private long preemptions;
  private long steps;
  private long completed;
  private long rejected;
  private long tokensComputed;
  private long recomputedTokens;
  private double busySeconds;
  private double kvTokenSeconds;

  public Engine(EngineSetup spec, RandomGenerator random, CompletionListener listener) {
    this(spec, random, listener, spec.config().kvCacheTokens());
  }

  /**
   * @param random source of step-time noise (unused when the spec has none)
   * @param maxModelLen the model's context length, for the token histograms' buckets
   */
  public Engine(EngineSetup spec, RandomGenerator random, CompletionListener listener, long maxModelLen) {
    this.spec = spec;
    this.blockSize = spec.blockSize();
    this.totalBlocks = spec.totalBlocks();
    this.tokenBudget = spec.tokenBudget();
    this.chunkCap = spec.prefillChunkCap();
    this.maxNumSeqs = spec.maxNumSeqs();
    this.stepTime = spec.config().stepTime();
    this.noiseSigma = spec.stepNoise() == 0 ? 0 : Math.sqrt(Math.log1p(spec.stepNoise() * spec.stepNoise()));
    this.random = random;
    this.listener = listener == null ? CompletionListener.NONE : listener;
    this.metrics = new VllmMetrics(new CacheConfigInfo(totalBlocks, blockSize, 0.9), maxModelLen);
    this.freeBlocks = totalBlocks;
    allocateSlots(64);
  }

  public EngineSetup spec() {
    return spec;
  }

  /**
   * Hands the engine a request that arrives at {@code time}, after running the steps that end by then.
   *
   * @return false when the request can never fit in the KV cache (s + o above its capacity); it is
   *     then rejected, as vLLM rejects prompts longer than the model allows
   */
  public boolean submit(long id, double time, int promptTokens, int outputTokens) {
    return submit(id, time, time, promptTokens, outputTokens);
  }

  /**
   * As {@link #submit(long, double, int, int)}, for a request that reached the service at
   * {@code arrivedAt} and waited elsewhere (at a router) until {@code time}: the engine's own
   * metrics count from {@code time}, as vLLM's do; the completion listener is told {@code arrivedAt}.
   */
  public boolean submit(long id, double time, double arrivedAt, int promptTokens, int outputTokens) {
    if (arrivedAt > time) {
      throw new IllegalArgumentException("request " + id + " cannot reach the engine at " + time
          + " s before it arrived at " + arrivedAt + " s");
    }
    if (time < now) {
      throw new IllegalArgumentException("request " + id + " arrives at " + time + " s, before the engine's clock "
          + now + " s");
    }
    advanceTo(time);
    if (promptTokens < 1 || outputTokens < 1) {
      throw new IllegalArgumentException("request " + id + " needs at least one prompt and one output token, got "
          + promptTokens + " and " + outputTokens);
    }
    if (blocksFor((long) promptTokens + outputTokens - 1) > totalBlocks) {
      rejected++;
      return false;
    }
    now = time;
    int r = takeSlot();
    requestId[r] = id;
    arrival[r] = time;
    origin[r] = arrivedAt;
    firstScheduled[r] = Double.NaN;
    firstToken[r] = Double.NaN;
    lastToken[r] = Double.NaN;
    prompt[r] = promptTokens;
    output[r] = outputTokens;
    generated[r] = 0;
    computed[r] = 0;
    blocks[r] = 0;
    preemptedCount[r] = 0;
    waiting.addLast(r);
    if (!busy) {
      startStep(time);
    }
    return true;
  }

  /** Runs every step that ends by {@code time}; the engine's clock is then {@code time}. */
  public void advanceTo(double time) {
    while (busy && stepEnd <= time) {
      double end = stepEnd;
      finishStep();
      now = end;
      if (runningCount > 0 || !waiting.isEmpty()) {
        startStep(end);
      }
    }
    if (time > now) {
      now = time;
    }
  }

  /** When the step in flight ends, or +∞ when the engine is idle. */
  public double nextStepEnd() {
    return busy ? stepEnd : Double.POSITIVE_INFINITY;
  }

  private void startStep(double time) {
    int budget = tokenBudget;
    int tokens = 0;
    stepCount = 0;
    boolean preempted = false;
    int i = 0;
    runningPass:
    while (i < runningCount && budget > 0) {
      int r = running[i];
      int n = Math.min(prompt[r] + generated[r] - computed[r], Math.min(budget, chunkCap));
      while (true) {
        int need = blocksFor((long) computed[r] + n) - blocks[r];
        if (need <= freeBlocks) {
          freeBlocks -= need;
          blocks[r] += need;
          break;
        }
        int victim = running[--runningCount];
        preempt(victim);
        preempted = true;
        if (victim == r) {
          break runningPass;
        }
      }
      schedule(r, n);
      budget -= n;
      tokens += n;
      i++;
    }
    if (!preempted) {
      while (!waiting.isEmpty() && budget > 0 && runningCount < maxNumSeqs) {
        int r = waiting.peekFirst();
        int n = Math.min(prompt[r] + generated[r], Math.min(budget, chunkCap));
        int need = blocksFor(n);
        if (need > freeBlocks) {
          break;
        }
        waiting.pollFirst();
        freeBlocks -= need;
        blocks[r] = need;
        if (runningCount == running.length) {
          running = Arrays.copyOf(running, running.length * 2);
        }
        running[runningCount++] = r;
        if (Double.isNaN(firstScheduled[r])) {
          firstScheduled[r] = time;
        }
        schedule(r, n);
        budget -= n;
        tokens += n;
      }
    }
    if (stepCount == 0) {
      if (runningCount > 0 || !waiting.isEmpty()) {
        throw new IllegalStateException("engine cannot schedule any of its " + runningCount + " running and "
            + waiting.size() + " waiting requests with " + freeBlocks + " free blocks");
      }
      busy = false;
      return;
    }
    double duration = stepTime.stepSeconds(tokens, kvTokens);
    if (noiseSigma > 0) {
      duration *= Math.exp(noiseSigma * random.nextGaussian() - noiseSigma * noiseSigma / 2);
    }
    metrics.step(tokens);
    tokensComputed += tokens;
    steps++;
    busySeconds += duration;
    kvTokenSeconds += kvTokens * duration;
    stepStart = time;
    stepEnd = time + duration;
    busy = true;
  }

  private void schedule(int r, int n) {
    if (stepCount == stepSlot.length) {
      stepSlot = Arrays.copyOf(stepSlot, stepCount * 2);
      stepTokens = Arrays.copyOf(stepTokens, stepCount * 2);
    }
    stepSlot[stepCount] = r;
    stepTokens[stepCount] = n;
    stepCount++;
    kvTokens += n;
  }

  private void preempt(int r) {
    freeBlocks += blocks[r];
    blocks[r] = 0;
    kvTokens -= computed[r];
    recomputedTokens += computed[r];
    computed[r] = 0;
    preemptedCount[r]++;
    preemptions++;
    metrics.addPreemptions(1);
    waiting.addFirst(r);
  }

  private void finishStep() {
    double end = stepEnd;
    long consecutive = 0;
    long generatedNow = 0;
    boolean anyFinished = false;
    for (int k = 0; k < stepCount; k++) {
      int r = stepSlot[k];
      computed[r] += stepTokens[k];
      if (computed[r] < prompt[r] + generated[r]) {
        continue; // a prefill chunk that did not reach the end of the known tokens samples nothing
      }
      generated[r]++;
      generatedNow++;
      if (generated[r] == 1) {
        firstToken[r] = end;
        metrics.firstToken(end - arrival[r], prompt[r]);
      } else if (lastToken[r] == stepStart) {
        consecutive++;
      } else {
        metrics.tokens(end - lastToken[r], 1);
      }
      lastToken[r] = end;
      if (generated[r] >= output[r]) {
        anyFinished = true;
      }
    }
    metrics.tokens(end - stepStart, consecutive);
    metrics.generatedTokens(generatedNow);
    busy = false;
    lastStepEnd = end;
    if (anyFinished) {
      int kept = 0;
      for (int i = 0; i < runningCount; i++) {
        int r = running[i];
        if (generated[r] >= output[r]) {
          complete(r, end);
        } else {
          running[kept++] = r;
        }
      }
      runningCount = kept;
    }
  }

  private void complete(int r, double end) {
    freeBlocks += blocks[r];
    kvTokens -= computed[r];
    completed++;
    metrics.finished(VllmMetrics.FinishReason.STOP, prompt[r], output[r], firstScheduled[r] - arrival[r],
        end - arrival[r]);
    listener.completed(requestId[r], origin[r], firstScheduled[r], firstToken[r], end, prompt[r], output[r],
        preemptedCount[r]);
    freeSlots[freeSlotCount++] = r;
  }

  private int blocksFor(long tokens) {
    return (int) ((tokens + blockSize - 1) / blockSize);
  }

  private int takeSlot() {
    if (freeSlotCount == 0) {
      allocateSlots(slotCapacity * 2);
    }
    return freeSlots[--freeSlotCount];
  }

  private void allocateSlots(int capacity) {
    int old = slotCapacity;
    requestId = requestId == null ? new long[capacity] : Arrays.copyOf(requestId, capacity);
    arrival = arrival == null ? new double[capacity] : Arrays.copyOf(arrival, capacity);
    origin = origin == null ? new double[capacity] : Arrays.copyOf(origin, capacity);
    firstScheduled = firstScheduled == null ? new double[capacity] : Arrays.copyOf(firstScheduled, capacity);
    firstToken = firstToken == null ? new double[capacity] : Arrays.copyOf(firstToken, capacity);
    lastToken = lastToken == null ? new double[capacity] : Arrays.copyOf(lastToken, capacity);
    prompt = prompt == null ? new int[capacity] : Arrays.copyOf(prompt, capacity);
    output = output == null ? new int[capacity] : Arrays.copyOf(output, capacity);
    generated = generated == null ? new int[capacity] : Arrays.copyOf(generated, capacity);
    computed = computed == null ? new int[capacity] : Arrays.copyOf(computed, capacity);
    blocks = blocks == null ? new int[capacity] : Arrays.copyOf(blocks, capacity);
    preemptedCount = preemptedCount == null ? new int[capacity] : Arrays.copyOf(preemptedCount, capacity);
    freeSlots = freeSlots == null ? new int[capacity] : Arrays.copyOf(freeSlots, capacity);
    // Hand out low slots first, so slot numbers in tests follow submission order.
    for (int s = capacity - 1; s >= old; s--) {
      freeSlots[freeSlotCount++] = s;
    }
    slotCapacity = capacity;
  }

  // ---- what the engine looks like now ----

  public double now() {
    return now;
  }

  public int running() {
    return runningCount;
  }

  public int waiting() {
    return waiting.size();
  }

  /**
   * How long the longest-waiting request without a first token has waited since it arrived at the
   * service (time held in front of the engine included), or 0 when none waits.
   */
  public double longestWaitForFirstToken(double at) {
    double longest = 0;
    for (int i = 0; i < waiting.size(); i++) {
      int r = waiting.get(i);
      if (generated[r] == 0) {
        longest = Math.max(longest, at - origin[r]);
      }
    }
    return longest;
  }

  /** Requests in the engine: running plus waiting. */
  public int inSystem() {
    return runningCount + waiting.size();
  }

  public int usedBlocks() {
    return totalBlocks - freeBlocks;
  }

  public int totalBlocks() {
    return totalBlocks;
  }

  public double kvCacheUsage() {
    return (double) (totalBlocks - freeBlocks) / totalBlocks;
  }

  /** KV tokens held by running requests (computed, plus those being computed in the step in flight). */
  public long kvTokens() {
    return kvTokens;
  }

  public long preemptions() {
    return preemptions;
  }

  public long steps() {
    return steps;
  }

  public long completed() {
    return completed;
  }

  public long rejected() {
    return rejected;
  }

  public long tokensComputed() {
    return tokensComputed;
  }

  /** Tokens computed and then lost to preemption: the work recomputation repeats. */
  public long recomputedTokens() {
    return recomputedTokens;
  }

  /**
   * ∫ KV tokens resident dt over the steps so far (a step in flight counted whole), token-seconds:
   * divided by the elapsed time it is the mean KV occupancy the memory constraint reasons about.
   */
  public double kvTokenSeconds() {
    return kvTokenSeconds;
  }

  /** Simulated seconds spent in steps (including a step still in flight). */
  public double busySeconds() {
    return busySeconds;
  }

  /** When the last completed step ended (0 before the first). */
  public double lastStepEnd() {
    return lastStepEnd;
  }

  public boolean isBusy() {
    return busy;
  }

  /** The request ids of the running requests, in scheduling order (for tests and inspection). */
  public long[] runningIds() {
    long[] ids = new long[runningCount];
    for (int i = 0; i < runningCount; i++) {
      ids[i] = requestId[running[i]];
    }
    return ids;
  }

  /** The request ids of the waiting queue, front first. */
  public long[] waitingIds() {
    long[] ids = new long[waiting.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = requestId[waiting.get(i)];
    }
    return ids;
  }

  /** Tokens each request computes in the step in flight, as (request id, tokens) pairs in order. */
  public long[][] stepPlan() {
    long[][] plan = new long[busy ? stepCount : 0][];
    for (int k = 0; k < plan.length; k++) {
      plan[k] = new long[] {requestId[stepSlot[k]], stepTokens[k]};
    }
    return plan;
  }

  /** Tokens computed so far by a request in the engine, or -1 when it is not there. */
  public int computedTokens(long id) {
    int r = slotOf(id);
    return r < 0 ? -1 : computed[r];
  }

  /** Blocks held by a request in the engine, or -1 when it is not there. */
  public int blocksHeld(long id) {
    int r = slotOf(id);
    return r < 0 ? -1 : blocks[r];
  }

  /** Output tokens a request in the engine has produced, or -1 when it is not there. */
  public int generatedTokens(long id) {
    int r = slotOf(id);
    return r < 0 ? -1 : generated[r];
  }

  private int slotOf(long id) {
    for (int i = 0; i < runningCount; i++) {
      if (requestId[running[i]] == id) {
        return running[i];
      }
    }
    for (int i = 0; i < waiting.size(); i++) {
      if (requestId[waiting.get(i)] == id) {
        return waiting.get(i);
      }
    }
    return -1;
  }

  /** The engine's vLLM metrics now. */
  public VllmMetricsSnapshot metrics() {
    metrics.setScheduler(runningCount, waiting.size(), kvCacheUsage());
    return metrics.snapshot();
  }
}
