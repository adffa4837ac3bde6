package io.stableserve.solve;

import io.stableserve.workload.Workload;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code max_num_seqs} that maximises a replica's stable rate under the {@link SchedulerModel}.
 * Below N* (the sequences the cache holds at the memory bound, {@link
 * SchedulerModel#memoryBoundSequences}) a higher cap raises the sequence-cap rate; above it the
 * cache overcommits and thrashes. So the search looks at caps from N* / 2 to 3·N* / 2, every ⌈N* / 10⌉,
 * then around the best one at a quarter of that stride, and so on down to single caps; the current setting is always compared.
 * {@code max_num_batched_tokens} is left as it is: under a backlog it mainly trades prefill speed
 * against step time and is not searched.
 */
public final class SequenceCapSearch {

  /**
   * Gains below this (2%) are not advised: the saturated throughput of 4,000 completions is a
   * sample, and neighbouring caps differ by about 1% on its noise alone.
   */
  public static final double MIN_GAIN = 0.02;

  private final SchedulerModel model;

  public SequenceCapSearch(SchedulerModel model) {
    this.model = model;
  }

  /**
   * @param current the capacity with the engine as it is
   * @param maxNumSeqs the recommended cap
   * @param recommended the capacity with that cap
   */
  public record Result(Capacity current, int maxNumSeqs, Capacity recommended, double memoryBoundSequences) {

    /** recommended / current − 1. */
    public double gain() {
      return recommended.stableRate() / current.stableRate() - 1;
    }
  }

  /** The best cap, or empty when no cap beats the engine as it is by more than {@link #MIN_GAIN}. */
  public Optional<Result> search(Workload workload, EngineConfig engine) {
    Capacity current = model.solve(workload, engine);
    double nStar = SchedulerModel.memoryBoundSequences(workload, engine);
    int low = Math.max(1, (int) Math.floor(nStar / 2));
    int high = Math.max(low + 1, (int) Math.ceil(nStar * 1.5));
    int stride = Math.max(1, (int) Math.ceil(nStar / 10));
    int best = -1;
    Capacity bestCapacity = null;
    for (int cap = low; cap <= high; cap += stride) {
      Capacity c = model.solve(workload, engine.withMaxNumSeqs(cap));
      if (bestCapacity == null || c.stableRate() > bestCapacity.stableRate()) {
        best = cap;
        bestCapacity = c;
      }
    }
    while (stride > 1) {
      int finer = Math.max(1, stride / 4);
      int centre = best;
      for (int cap = Math.max(1, centre - stride + finer); cap < centre + stride; cap += finer) {
        if (cap == centre) {
          continue;
        }
        Capacity c = model.solve(workload, engine.withMaxNumSeqs(cap));
        if (c.stableRate() > bestCapacity.stableRate()) {
          best = cap;
          bestCapacity = c;
        }
      }
      stride = finer;
    }
    OptionalInt now = engine.maxNumSeqs();
    if (now.isPresent() && now.getAsInt() == best || bestCapacity.stableRate() <= current.stableRate() * (1 + MIN_GAIN)) {
      return Optional.empty();
    }
    return Optional.of(new Result(current, best, bestCapacity, nStar));
  }
}
