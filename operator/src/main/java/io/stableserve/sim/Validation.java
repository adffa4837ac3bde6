package io.stableserve.sim;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import io.stableserve.solve.PaperModel;
import io.stableserve.solve.Saturation;
import io.stableserve.solve.SchedulerModel;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Trace;
import io.stableserve.workload.Workload;
import io.stableserve.workload.WorkloadMix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The stability models checked against the simulator: a fixed set of workloads and engines, each
 * with its empirical boundary and the three models' predictions.
 */
public final class Validation {

  /** The paper's engine (Table 1): M = 131,000, ŝ = 512, constant step b̄ = 0.0372 s. */
  public static final EngineConfig PAPER_ENGINE = EngineConfig.of(131_000, 512, StepTimeModel.constant(0.0372));

  /** Step time with a cost per computed and per resident token (DESIGN §1.3's magnitudes). */
  public static final StepTimeModel LINEAR_STEP = new StepTimeModel(0.015, 2e-5, 1e-7);

  /** A realistic engine: the linear step, ŝ = 512, max_num_batched_tokens 4096. */
  public static EngineConfig linearEngine(long kvTokens) {
    return EngineConfig.of(kvTokens, 512, LINEAR_STEP).withMaxBatchedTokens(4096);
  }

  /**
   * @param group the table the case belongs to ("workloads" or a sweep's name)
   */
  public record Case(String group, String name, Workload workload, EngineConfig engine, String note) {}

  /**
   * @param saturated the engine's run under an infinite backlog, which the scheduler model reads
   */
  public record Row(Case validationCase, Capacity iterative, Capacity paper, Capacity scheduler, Saturation saturated,
      BoundaryFinder.Boundary boundary) {

    public double schedulerError() {
      return (scheduler.stableRate() - boundary.stableRate()) / boundary.stableRate();
    }

    public double iterativeError() {
      return (iterative.stableRate() - boundary.stableRate()) / boundary.stableRate();
    }

    public double paperError() {
      return (paper.stableRate() - boundary.stableRate()) / boundary.stableRate();
    }

    /** The constraint with the lowest rate under the iterative model. */
    public Constraint binding() {
      return iterative.constraints().stream().min(Comparator.comparingDouble(ConstraintRate::ratePerSecond))
          .orElseThrow().constraint();
    }
  }

  private static Workload uniform(double sLow, double sHigh, double oLow, double oHigh) {
    return new IndependentLengths(new LengthDistribution.Uniform(sLow, sHigh), new LengthDistribution.Uniform(oLow, oHigh));
  }

  /** Workloads named in {@code docs/validation.md}; the traces are given by the caller. */
  public static List<Case> cases(Trace conversation, Trace code) {
    Workload table1 = uniform(10, 1600, 10, 1600);
    Workload shortChat = uniform(10, 300, 10, 300);
    Workload promptHeavy = uniform(1000, 4000, 10, 200);
    Workload outputHeavy = uniform(10, 200, 500, 2000);
    Workload longContext = uniform(8000, 16000, 100, 500);
    Workload issueFour = uniform(300, 3000, 20, 600);
    List<Case> cases = new ArrayList<>();
    String w = "workloads";
    cases.add(new Case(w, "paper Table 1: s, o ~ U(10, 1600)", table1, PAPER_ENGINE, "paper engine, c1 = c2 = 0"));
    cases.add(new Case(w, "paper-style: s, o ~ U(10, 800)", uniform(10, 800, 10, 800), PAPER_ENGINE,
        "paper engine; our choice of range"));
    cases.add(new Case(w, "paper-style: s, o ~ U(10, 3200)", uniform(10, 3200, 10, 3200), PAPER_ENGINE,
        "paper engine; our choice of range"));
    cases.add(new Case(w, "short chat, constant step", shortChat,
        EngineConfig.of(131_000, 512, StepTimeModel.constant(0.02)).withMaxBatchedTokens(8192),
        "c1 = c2 = 0, b = 20 ms, budget 8192"));
    cases.add(new Case(w, "Azure conversation trace lengths", conversation, linearEngine(100_000),
        "Poisson arrivals, lengths drawn from the trace"));
    cases.add(new Case(w, "Azure code trace lengths", code, linearEngine(100_000),
        "Poisson arrivals, lengths drawn from the trace"));
    cases.add(new Case(w, "prompt-heavy: s ~ U(1000, 4000), o ~ U(10, 200)", promptHeavy, linearEngine(131_000), ""));
    cases.add(new Case(w, "output-heavy: s ~ U(10, 200), o ~ U(500, 2000)", outputHeavy, linearEngine(131_000), ""));
    cases.add(new Case(w, "long context: s ~ U(8000, 16000), o ~ U(100, 500)", longContext,
        EngineConfig.of(200_000, 2048, LINEAR_STEP).withMaxBatchedTokens(8192), "ŝ = 2048, budget 8192"));
    cases.add(new Case(w, "short chat: s, o ~ U(10, 300)", shortChat, linearEngine(131_000), ""));
    cases.add(new Case(w, "paper Table 1 workload, linear step", table1, linearEngine(131_000), "c1, c2 > 0"));
    cases.add(new Case(w, "mix: 0.7 short chat + 0.3 prompt-heavy",
        new WorkloadMix(List.of(new WorkloadMix.Share(0.7, shortChat), new WorkloadMix.Share(0.3, promptHeavy))),
        linearEngine(131_000), ""));
    cases.add(new Case(w, "sequence cap: short chat, max_num_seqs 16", shortChat,
        linearEngine(131_000).withMaxNumSeqs(16), "the cap binds"));
    cases.add(new Case(w, "token budget: prompt-heavy, budget 512", promptHeavy,
        EngineConfig.of(131_000, 512, LINEAR_STEP).withMaxBatchedTokens(512), "the budget binds"));
    int[] caps = {16, 24, 32, 64, 128, 256};
    for (int cap : caps) {
      cases.add(new Case("sweep: s ~ U(300, 3000), o ~ U(20, 600), M = 48,000", "max_num_seqs " + cap, issueFour,
          linearEngine(48_000).withMaxNumSeqs(cap), ""));
    }
    for (int cap : caps) {
      cases.add(new Case("sweep: Azure conversation trace lengths, M = 100,000", "max_num_seqs " + cap, conversation,
          linearEngine(100_000).withMaxNumSeqs(cap), ""));
    }
    for (int cap : caps) {
      cases.add(new Case("sweep: paper Table 1 workload, linear step, M = 131,000", "max_num_seqs " + cap, table1,
          linearEngine(131_000).withMaxNumSeqs(cap), ""));
    }
    return cases;
  }

  /** Solves the three models and finds the boundary of each case, reporting each row as it is done. */
  public static List<Row> run(List<Case> cases, StabilityCriterion criterion, double resolution, long seed,
      int threads, Consumer<Row> progress) {
    List<Row> rows = new ArrayList<>();
    for (Case c : cases) {
      Capacity iterative = new IterativeModel().solve(c.workload(), c.engine());
      Capacity paper = new PaperModel().solve(c.workload(), c.engine());
      Saturation saturated = SaturatedEngine.standard().measure(c.workload(), c.engine());
      Capacity scheduler = new SchedulerModel(SaturatedEngine.standard()::measure).solve(c.workload(), c.engine(),
          saturated);
      BoundaryFinder finder = new BoundaryFinder(EngineSetup.of(c.engine()), c.workload(), criterion, resolution,
          seed, threads);
      Row row = new Row(c, iterative, paper, scheduler, saturated, finder.find(scheduler.stableRate()));
      rows.add(row);
      progress.accept(row);
    }
    return rows;
  }
}
