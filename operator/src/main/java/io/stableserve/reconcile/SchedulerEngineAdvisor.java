package io.stableserve.reconcile;

import io.stableserve.sim.SaturatedEngine;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.SchedulerModel;
import io.stableserve.solve.SequenceCapSearch;
import io.stableserve.workload.Workload;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Engine advice from the {@link SchedulerModel}: the {@code max_num_seqs} that maximises the stable
 * rate of one replica for the observed workload ({@link SequenceCapSearch}). Both rates it reports,
 * now and with the cap, are the scheduler model's, so the gain compares like with like whatever
 * model the service scales by. It costs about 15 saturated engine runs of 5,000 completions each
 * (tens of milliseconds each on the design case).
 */
public final class SchedulerEngineAdvisor implements EngineAdvisor {

  private final SequenceCapSearch search;

  public SchedulerEngineAdvisor(SequenceCapSearch search) {
    this.search = search;
  }

  public static SchedulerEngineAdvisor standard() {
    return new SchedulerEngineAdvisor(new SequenceCapSearch(new SchedulerModel(SaturatedEngine.standard()::measure)));
  }

  @Override
  public Optional<EngineAdvice> advise(Workload workload, EngineConfig engine, Capacity current) {
    return search.search(workload, engine).map(r -> new EngineAdvice("max_num_seqs", r.maxNumSeqs(),
        engine.maxNumSeqs().isPresent() ? OptionalLong.of(engine.maxNumSeqs().getAsInt()) : OptionalLong.empty(),
        r.current().stableRate(), r.recommended().stableRate()));
  }
}
