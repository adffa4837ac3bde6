package io.stableserve.reconcile;

import io.stableserve.sim.StabilityModels;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.RememberedSaturation;
import io.stableserve.solve.SchedulerModel;
import io.stableserve.solve.SequenceCapSearch;
import io.stableserve.workload.Workload;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Engine advice from the {@link SchedulerModel}: the {@code max_num_seqs} that maximises the stable
 * rate of one replica for the observed workload ({@link SequenceCapSearch}). Both rates it reports,
 * now and with the cap, are the scheduler model's, so the gain compares like with like whatever
 * model the service scales by. A search costs 10 to 25 saturated engine runs of 5,000 completions
 * each (0.7 s for the design case, 3 s for short chat with N* ≈ 330 on the build machine), so
 * results are remembered per engine setting and workload, the workload's token moments rounded to
 * 5% steps ({@link RememberedSaturation#key}): a window's estimate moves by less than its own error without a new search.
 */
public final class SchedulerEngineAdvisor implements EngineAdvisor {

  private static final int REMEMBERED = 256;

  private final SequenceCapSearch search;
  private final Map<List<Object>, Optional<SequenceCapSearch.Result>> remembered =
      Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Optional<SequenceCapSearch.Result>> eldest) {
          return size() > REMEMBERED;
        }
      });

  public SchedulerEngineAdvisor(SequenceCapSearch search) {
    this.search = search;
  }

  public static SchedulerEngineAdvisor standard() {
    return new SchedulerEngineAdvisor(new SequenceCapSearch(StabilityModels.scheduler()));
  }

  @Override
  public Optional<EngineAdvice> advise(Workload workload, EngineConfig engine, Capacity current) {
    List<Object> key = RememberedSaturation.key(workload, engine);
    Optional<SequenceCapSearch.Result> result = remembered.get(key);
    if (result == null) {
      result = search.search(workload, engine);
      remembered.put(key, result);
    }
    return result.map(r -> new EngineAdvice("max_num_seqs", r.maxNumSeqs(),
        engine.maxNumSeqs().isPresent() ? OptionalLong.of(engine.maxNumSeqs().getAsInt()) : OptionalLong.empty(),
        r.current().stableRate(), r.recommended().stableRate()));
  }
}
