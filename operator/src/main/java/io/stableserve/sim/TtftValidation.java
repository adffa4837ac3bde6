package io.stableserve.sim;

import io.stableserve.correct.TtftCalibration;
import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.PoissonSource;
import io.stableserve.sim.arrivals.RequestSource;
import io.stableserve.sim.arrivals.TraceReplay;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.solve.TtftApproximation;
import io.stableserve.workload.IndependentLengths;
import io.stableserve.workload.LengthDistribution;
import io.stableserve.workload.Trace;
import io.stableserve.workload.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The SLO loop's TTFT approximation ({@link TtftApproximation}) against the simulator: for each case
 * (engine, lengths, replicas n, load ρ = λ / (n·μ), arrivals) a fleet of n replicas behind the
 * least-outstanding router runs long enough for a steady p99, and its measured TTFT p90 and p99 are
 * set beside the approximation's with the operator's inputs at k = 1: μ the scheduler model's stable
 * rate, c_s² = 1, c_a² = 1 for Poisson arrivals and, for a replayed trace, the index of dispersion of
 * its arrival counts in 30 s sub-intervals of 5-minute windows (what the estimator measures with its
 * default window), and the prefill the operator's (mean prefill chunks × the step time at capacity).
 *
 * <p>Poisson cases run {@code runs} independent seeds, pooled; a trace replay is deterministic (the
 * seed changes nothing at rate scale 1), so it runs once for {@code runs} times as long, and its
 * spread is over that many consecutive blocks. Each run discards a warm-up, counts the requests that
 * arrived in [warm-up, end), and keeps going (arrivals too) until every one of them has completed,
 * so slow requests are not lost at the end.
 */
public final class TtftValidation {

  /** The engine of {@code bench} (BenchCommand.REFERENCE_ENGINE): ŝ = 2048, budget 2048, max_num_seqs 256, a fast step. */
  public static final EngineConfig REFERENCE_ENGINE = new EngineConfig(131_072, 2048, OptionalInt.of(256),
      OptionalInt.of(2048), new StepTimeModel(0.006, 1.7e-5, 1e-7));

  /** The prompt-heavy workload on an engine whose token budget (512) binds: compute-bound. */
  public static final EngineConfig BUDGET_ENGINE = EngineConfig.of(131_000, 512, Validation.LINEAR_STEP)
      .withMaxBatchedTokens(512);

  /** The estimator's default sub-interval (a 5-minute window in 10): the timescale of the trace's c_a². */
  public static final double DISPERSION_BIN_SECONDS = 30;
  /** Sub-intervals per estimation window. */
  public static final int DISPERSION_BINS_PER_WINDOW = 10;

  /**
   * @param replay empty: Poisson arrivals at λ with lengths drawn from the workload; a trace: that
   *     trace replayed (its own times and lengths) compressed in time to mean rate λ, and looped
   * @param load ρ = λ / (n·μ)
   */
  public record Case(String name, String engineName, Workload workload, EngineConfig engine, int replicas, double load,
      Optional<Trace> replay) {

    public Case {
      if (replicas < 1) {
        throw new IllegalArgumentException("a case needs at least one replica, got " + replicas);
      }
      if (!(load > 0 && load < 1)) {
        throw new IllegalArgumentException("load must be in (0, 1), got " + load);
      }
      replay = replay == null ? Optional.empty() : replay;
    }

    public String arrivals() {
      return replay.map(t -> "trace replay").orElse("Poisson");
    }
  }

  /**
   * @param seconds simulated seconds per run after the warm-up, at most
   * @param minSeconds ... and at least
   * @param requestsPerRun a run lasts as long as it takes this many arrivals, within [minSeconds, seconds]
   * @param warmupShare share of the run (after the warm-up) discarded first, at least 300 s
   * @param runs independent seeds (Poisson) or consecutive blocks (trace)
   */
  public record Settings(double seconds, double minSeconds, long requestsPerRun, double warmupShare, int runs, long seed,
      int threads) {

    public Settings {
      if (!(minSeconds > 0) || !(seconds >= minSeconds) || requestsPerRun < 1 || !(warmupShare >= 0) || runs < 1
          || threads < 1) {
        throw new IllegalArgumentException("bad validation settings");
      }
    }

    double secondsFor(double lambda) {
      return Math.max(minSeconds, Math.min(seconds, requestsPerRun / lambda));
    }

    double warmupFor(double measured) {
      return Math.max(300, warmupShare * measured);
    }
  }

  /**
   * One case's outcome.
   *
   * @param capacity the scheduler model's capacity of one replica (μ its stable rate)
   * @param lambda the arrival rate, req/s (ρ·n·μ; for a trace, its replay's long-run mean)
   * @param arrivalScv c_a² as given to the approximation
   * @param prefillSeconds the approximation's prefill (mean chunks × step time at capacity)
   * @param erlangC C(n, λ/μ), the approximation's probability of waiting
   * @param simulatedPrefillSeconds the simulator's mean of TTFT − time to first schedule
   * @param simulatedWaitP99 the simulator's p99 of the time to first schedule
   * @param p99Low the lowest p99 of one run (or block)
   * @param p99High the highest
   * @param requests requests measured (all runs)
   */
  public record Row(Case validationCase, Capacity capacity, double lambda, double arrivalScv, double prefillSeconds,
      double erlangC, double predictedP90, double predictedP99, double simulatedP50, double simulatedP90,
      double simulatedP99, double simulatedPrefillSeconds, double simulatedWaitP99, double p99Low, double p99High,
      long requests, double simulatedSeconds, double wallSeconds) {

    public double mu() {
      return capacity.stableRate();
    }

    /** The constraint with the lowest rate. */
    public Constraint binding() {
      return capacity.constraints().stream().min(Comparator.comparingDouble(ConstraintRate::ratePerSecond))
          .orElseThrow().constraint();
    }

    public double p90Error() {
      return (predictedP90 - simulatedP90) / simulatedP90;
    }

    public double p99Error() {
      return (predictedP99 - simulatedP99) / simulatedP99;
    }

    /** The approximation's p99 of the wait alone (p99 − prefill). */
    public double predictedWaitP99() {
      return predictedP99 - prefillSeconds;
    }

    /**
     * The calibration factor that would make the p99 match: the simulated p99 less the predicted
     * prefill over the predicted wait, as {@code TtftCalibration} forms its ratio; NaN when the
     * predicted wait is 0 or infinite (no factor can help).
     */
    public double factorForP99() {
      double wait = predictedWaitP99();
      return wait > 0 && Double.isFinite(wait) ? (simulatedP99 - prefillSeconds) / wait : Double.NaN;
    }

    /** Whether the operator's calibration would learn from this p99: both waits at least {@code TtftCalibration.MIN_WAIT_SECONDS}. */
    public boolean calibrates() {
      double wait = predictedWaitP99();
      return Double.isFinite(wait) && wait >= TtftCalibration.MIN_WAIT_SECONDS
          && simulatedP99 - prefillSeconds >= TtftCalibration.MIN_WAIT_SECONDS;
    }
  }

  private TtftValidation() {}

  private static Workload uniform(double sLow, double sHigh, double oLow, double oHigh) {
    return new IndependentLengths(new LengthDistribution.Uniform(sLow, sHigh), new LengthDistribution.Uniform(oLow, oHigh));
  }

  /** The cases of docs/validation.md's TTFT section; {@code code} is the Azure code trace. */
  public static List<Case> cases(Trace code) {
    Workload shortChat = uniform(10, 300, 10, 300);
    Workload promptHeavy = uniform(1000, 4000, 10, 200);
    Workload table1 = uniform(10, 1600, 10, 1600);
    EngineConfig linear = Validation.linearEngine(131_000);
    String linearName = "linear, M = 131k, budget 4096";
    String budgetName = "linear, M = 131k, budget 512";
    String paperName = "paper (constant 37.2 ms step)";
    String referenceName = "bench reference (ŝ = budget = 2048)";
    String chat = "short chat s, o ~ U(10, 300)";
    String heavy = "prompt-heavy s ~ U(1000, 4000), o ~ U(10, 200)";
    String codeLengths = "Azure code trace lengths";
    List<Case> cases = new ArrayList<>();
    cases.add(new Case(chat, linearName, shortChat, linear, 1, 0.5, Optional.empty()));
    cases.add(new Case(chat, linearName, shortChat, linear, 4, 0.8, Optional.empty()));
    cases.add(new Case(chat, linearName, shortChat, linear, 8, 0.95, Optional.empty()));
    cases.add(new Case(heavy, linearName, promptHeavy, linear, 1, 0.7, Optional.empty()));
    cases.add(new Case(heavy, linearName, promptHeavy, linear, 2, 0.95, Optional.empty()));
    cases.add(new Case(heavy, budgetName, promptHeavy, BUDGET_ENGINE, 1, 0.5, Optional.empty()));
    cases.add(new Case(heavy, budgetName, promptHeavy, BUDGET_ENGINE, 1, 0.9, Optional.empty()));
    cases.add(new Case(heavy, budgetName, promptHeavy, BUDGET_ENGINE, 4, 0.9, Optional.empty()));
    cases.add(new Case("paper Table 1 s, o ~ U(10, 1600)", paperName, table1, Validation.PAPER_ENGINE, 2, 0.85,
        Optional.empty()));
    cases.add(new Case(codeLengths, referenceName, code, REFERENCE_ENGINE, 1, 0.95, Optional.empty()));
    cases.add(new Case(codeLengths, referenceName, code, REFERENCE_ENGINE, 4, 0.8, Optional.empty()));
    cases.add(new Case(codeLengths, referenceName, code, REFERENCE_ENGINE, 4, 0.5, Optional.of(code)));
    cases.add(new Case(codeLengths, referenceName, code, REFERENCE_ENGINE, 4, 0.8, Optional.of(code)));
    return cases;
  }

  /** Runs every case in turn, reporting each row as it is done. */
  public static List<Row> run(List<Case> cases, Settings settings, Consumer<Row> progress) {
    List<Row> rows = new ArrayList<>();
    for (Case c : cases) {
      Row row = run(c, settings);
      rows.add(row);
      progress.accept(row);
    }
    return rows;
  }

  /** One run's measured requests: TTFT and time to first schedule of those that arrived in the window, and its arrivals per bin. */
  private record Measured(double[] ttft, double[] queue, long[] bins, double simulatedSeconds) {}

  public static Row run(Case c, Settings settings) {
    long started = System.nanoTime();
    Capacity capacity = StabilityModels.of(ModelKind.SCHEDULER).solve(c.workload(), c.engine());
    double mu = capacity.stableRate();
    double nominal = c.load() * c.replicas() * mu;
    double seconds = settings.secondsFor(nominal);
    double warmup = settings.warmupFor(seconds);
    EngineSetup engine = EngineSetup.of(c.engine());
    List<Measured> runs = new ArrayList<>();
    double lambda;
    if (c.replay().isPresent()) {
      Trace trace = c.replay().get();
      double timeScale = nominal / new TraceReplay(trace, 1, 1, true, settings.seed()).meanRate();
      TraceReplay probe = new TraceReplay(trace, timeScale, 1, true, settings.seed());
      lambda = probe.meanRate();
      // Deterministic: one run as long as all the runs of a Poisson case, measured in blocks.
      double total = seconds * settings.runs();
      Measured whole = simulate(engine, c.replicas(), probe, warmup, warmup + total, settings.seed());
      runs.addAll(blocks(whole, settings.runs()));
    } else {
      lambda = nominal;
      runs.addAll(parallel(settings, seed -> simulate(engine, c.replicas(), PoissonSource.constant(nominal, c.workload(), seed),
          warmup, warmup + seconds, seed)));
    }
    double arrivalScv = c.replay().isPresent() ? dispersion(runs) : 1;
    double prefill = c.workload().meanPrefillChunks(c.engine().chunkTokens()) * capacity.stepSecondsAtCapacity();
    double predictedP90 = TtftApproximation.ttftQuantile(c.replicas(), lambda, mu, 0.90, arrivalScv, 1, 1, prefill);
    double predictedP99 = TtftApproximation.ttftQuantile(c.replicas(), lambda, mu, 0.99, arrivalScv, 1, 1, prefill);
    double[] ttft = pooled(runs, true);
    double[] wait = pooled(runs, false);
    double prefillSum = 0;
    for (Measured m : runs) {
      for (int i = 0; i < m.ttft().length; i++) {
        prefillSum += m.ttft()[i] - m.queue()[i];
      }
    }
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (Measured m : runs) {
      double[] sorted = m.ttft().clone();
      Arrays.sort(sorted);
      double p99 = RequestLog.quantile(sorted, 0.99);
      low = Math.min(low, p99);
      high = Math.max(high, p99);
    }
    double simulated = runs.stream().mapToDouble(Measured::simulatedSeconds).sum();
    return new Row(c, capacity, lambda, arrivalScv, prefill,
        TtftApproximation.erlangC(c.replicas(), lambda / mu), predictedP90, predictedP99,
        RequestLog.quantile(ttft, 0.5), RequestLog.quantile(ttft, 0.9), RequestLog.quantile(ttft, 0.99),
        ttft.length == 0 ? Double.NaN : prefillSum / ttft.length, RequestLog.quantile(wait, 0.99), low, high,
        ttft.length, simulated, (System.nanoTime() - started) / 1e9);
  }

  private interface SeededRun {
    Measured run(long seed);
  }

  private static List<Measured> parallel(Settings settings, SeededRun run) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.threads(), settings.runs()));
    try {
      List<Future<Measured>> futures = new ArrayList<>();
      for (int r = 0; r < settings.runs(); r++) {
        long seed = settings.seed() * 1_000_003L + r;
        futures.add(pool.submit(() -> run.run(seed)));
      }
      List<Measured> out = new ArrayList<>();
      for (Future<Measured> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a simulation run failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Counts the arrivals of [from, to) per dispersion bin (bins start at {@code from}). */
  private static final class Counting implements RequestSource {
    private final RequestSource source;
    private final double from;
    private final double to;
    private final long[] bins;
    long inWindow;

    Counting(RequestSource source, double from, double to) {
      this.source = source;
      this.from = from;
      this.to = to;
      this.bins = new long[(int) Math.floor((to - from) / DISPERSION_BIN_SECONDS)];
    }

    @Override
    public double nextTime() {
      return source.nextTime();
    }

    @Override
    public Arrival next() {
      Arrival a = source.next();
      if (a.time() >= from && a.time() < to) {
        inWindow++;
      }
      double t = a.time() - from;
      if (t >= 0) {
        int bin = (int) (t / DISPERSION_BIN_SECONDS);
        if (bin < bins.length) {
          bins[bin]++;
        }
      }
      return a;
    }

    @Override
    public String describe() {
      return source.describe();
    }
  }

  /**
   * A fleet of {@code replicas} fed by {@code source} from empty; measures the requests that arrive
   * in [from, to), running on past {@code to} until every one of them has completed.
   */
  static Measured simulate(EngineSetup engine, int replicas, RequestSource source, double from, double to, long seed) {
    Counting counting = new Counting(source, from, to);
    Fleet fleet = new Fleet(FleetSpec.of(engine, 0), counting, new Router.LeastOutstanding(), replicas, seed);
    fleet.advanceTo(to);
    RequestLog log = fleet.log();
    double t = to;
    // Requests that arrived in the window and are still in the system at its end complete later; keep serving (and
    // arriving, so the load stays the same) until none is left (a rejected one, longer than the cache, never
    // completes), or give up after as long again as the window.
    while (true) {
      int done = 0;
      for (int i = 0; i < log.size(); i++) {
        double a = log.arrival(i);
        if (a >= from && a < to) {
          done++;
        }
      }
      if (done + fleet.rejected() >= counting.inWindow || t >= to + (to - from)) {
        break;
      }
      t += 60;
      fleet.advanceTo(t);
    }
    int n = 0;
    double[] ttft = new double[log.size()];
    double[] wait = new double[log.size()];
    double[] arrival = new double[log.size()];
    for (int i = 0; i < log.size(); i++) {
      double a = log.arrival(i);
      if (a >= from && a < to) {
        ttft[n] = log.ttftSeconds(i);
        wait[n] = log.queueSeconds(i);
        arrival[n] = a;
        n++;
      }
    }
    return new Measured(orderByArrival(Arrays.copyOf(ttft, n), Arrays.copyOf(arrival, n)),
        orderByArrival(Arrays.copyOf(wait, n), Arrays.copyOf(arrival, n)), counting.bins, t);
  }

  /** Values reordered by their arrival time (the log is in completion order), so blocks are consecutive in time. */
  private static double[] orderByArrival(double[] values, double[] arrival) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> arrival[i]));
    double[] out = new double[values.length];
    for (int i = 0; i < order.length; i++) {
      out[i] = values[order[i]];
    }
    return out;
  }

  /** One run cut into {@code k} consecutive blocks of requests (by arrival). */
  private static List<Measured> blocks(Measured whole, int k) {
    List<Measured> out = new ArrayList<>();
    int n = whole.ttft().length;
    int bins = whole.bins().length;
    for (int b = 0; b < k; b++) {
      int lo = (int) ((long) n * b / k);
      int hi = (int) ((long) n * (b + 1) / k);
      out.add(new Measured(Arrays.copyOfRange(whole.ttft(), lo, hi), Arrays.copyOfRange(whole.queue(), lo, hi),
          Arrays.copyOfRange(whole.bins(), bins * b / k, bins * (b + 1) / k), whole.simulatedSeconds() / k));
    }
    return out;
  }

  private static double[] pooled(List<Measured> runs, boolean ttft) {
    double[] all = runs.stream().flatMapToDouble(m -> Arrays.stream(ttft ? m.ttft() : m.queue())).toArray();
    Arrays.sort(all);
    return all;
  }

  /** The index of dispersion of a trace's arrivals, counted from its first arrival as {@link #dispersion(List)} counts a run's. */
  public static double dispersion(double[] arrivalSeconds) {
    double first = arrivalSeconds[0];
    long[] bins = new long[(int) Math.floor((arrivalSeconds[arrivalSeconds.length - 1] - first) / DISPERSION_BIN_SECONDS)];
    for (double t : arrivalSeconds) {
      int bin = (int) ((t - first) / DISPERSION_BIN_SECONDS);
      if (bin < bins.length) {
        bins[bin]++;
      }
    }
    return dispersion(List.of(new Measured(new double[0], new double[0], bins, bins.length * DISPERSION_BIN_SECONDS)));
  }

  /**
   * The arrivals' index of dispersion as the estimator reads it: in each 5-minute window the
   * variance of the 10 counts of 30 s (denominator k − 1) over their mean, when the mean is at least
   * 5; averaged over the windows.
   */
  static double dispersion(List<Measured> runs) {
    double sum = 0;
    int windows = 0;
    for (Measured m : runs) {
      long[] bins = m.bins();
      for (int w = 0; w + DISPERSION_BINS_PER_WINDOW <= bins.length; w += DISPERSION_BINS_PER_WINDOW) {
        double mean = 0;
        for (int i = w; i < w + DISPERSION_BINS_PER_WINDOW; i++) {
          mean += bins[i];
        }
        mean /= DISPERSION_BINS_PER_WINDOW;
        if (mean < 5) {
          continue;
        }
        double ss = 0;
        for (int i = w; i < w + DISPERSION_BINS_PER_WINDOW; i++) {
          ss += (bins[i] - mean) * (bins[i] - mean);
        }
        sum += ss / (DISPERSION_BINS_PER_WINDOW - 1) / mean;
        windows++;
      }
    }
    return windows == 0 ? 1 : sum / windows;
  }
}
