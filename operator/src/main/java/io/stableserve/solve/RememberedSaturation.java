package io.stableserve.solve;

import io.stableserve.workload.TokenMoments;
import io.stableserve.workload.Workload;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Saturated runs remembered per engine setting and workload, so that the scheduler model can run
 * on every reconcile: a run costs 0.05 to 0.5 s of one core, a lookup microseconds. A workload is
 * known by its token moments rounded to 5% steps ({@link #key}); a window's estimate moves by
 * less than its own error without a new run. The least recently used entries go first.
 */
public final class RememberedSaturation implements BiFunction<Workload, EngineConfig, Saturation> {

  private static final double STEP = Math.log(1.05);

  private final BiFunction<Workload, EngineConfig, Saturation> run;
  private final Map<List<Object>, Saturation> remembered;

  /**
   * @param run the saturated run of one engine
   * @param capacity how many runs are remembered
   */
  public RememberedSaturation(BiFunction<Workload, EngineConfig, Saturation> run, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("remember at least one saturated run, got " + capacity);
    }
    this.run = run;
    this.remembered = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<List<Object>, Saturation> eldest) {
        return size() > capacity;
      }
    });
  }

  @Override
  public Saturation apply(Workload workload, EngineConfig engine) {
    List<Object> key = key(workload, engine);
    Saturation known = remembered.get(key);
    if (known != null) {
      return known;
    }
    // Two evaluations of one new key may both run; the results are equal (fixed seed), so that only costs time.
    Saturation measured = run.apply(workload, engine);
    remembered.put(key, measured);
    return measured;
  }

  /** Runs remembered now. */
  public int size() {
    return remembered.size();
  }

  /**
   * The engine setting with the workload's token moments, each rounded to a 5% step on a log scale:
   * the figures the solvers read from a workload.
   */
  public static List<Object> key(Workload workload, EngineConfig engine) {
    TokenMoments m = workload.moments();
    return List.of(engine, rounded(m.meanPrompt()), rounded(m.meanPromptSquare()), rounded(m.meanOutput()),
        rounded(m.meanOutputSquare()), rounded(m.meanPromptTimesOutput()), rounded(m.maxTotalTokens()),
        rounded(workload.meanPrefillChunks(engine.chunkTokens())));
  }

  private static long rounded(double value) {
    return value > 0 ? Math.round(Math.log(value) / STEP) : Long.MIN_VALUE;
  }
}
