package io.stableserve.cli;

import io.stableserve.correct.TtftCalibration;
import io.stableserve.sim.TtftValidation;
import io.stableserve.workload.Trace;
import io.stableserve.workload.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code validate ttft}: the SLO loop's TTFT approximation against the simulator's TTFT percentiles. */
@Command(name = "ttft", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run a fixed set of fleets (engine, lengths, replicas, load, Poisson or a replayed trace) in the "
        + "simulator and set their TTFT p90 and p99 beside the G/G/n approximation the SLO loop sizes with "
        + "(Erlang C, Allen-Cunneen factor, k = 1, c_s² = 1); prints a Markdown table.")
public final class ValidateTtftCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DataOption dataOption = new DataOption();

  @Option(names = "--only", paramLabel = "TEXT", description = "Only the cases whose name or engine contains TEXT.")
  String only;

  @Option(names = "--runs", defaultValue = "6", paramLabel = "R",
      description = "Independent seeds per Poisson case; blocks of one run for a trace (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--requests", defaultValue = "60000", paramLabel = "N",
      description = "Arrivals per run, within --min-seconds and --max-seconds (default: ${DEFAULT-VALUE}).")
  long requests;

  @Option(names = "--min-seconds", defaultValue = "1800", paramLabel = "S",
      description = "Measured simulated seconds per run, at least (default: ${DEFAULT-VALUE}).")
  double minSeconds;

  @Option(names = "--max-seconds", defaultValue = "14400", paramLabel = "S",
      description = "Measured simulated seconds per run, at most (default: ${DEFAULT-VALUE}).")
  double maxSeconds;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to FILE.")
  Path outFile;

  @Override
  public Integer call() throws IOException {
    Trace code = TraceReader.read(dataOption.file("azure-llm-2023-code.csv"));
    List<TtftValidation.Case> cases = TtftValidation.cases(code).stream()
        .filter(c -> only == null || c.name().contains(only) || c.engineName().contains(only)).toList();
    if (cases.isEmpty()) {
      throw new IllegalArgumentException("no TTFT validation case matches --only '" + only + "'");
    }
    TtftValidation.Settings settings = new TtftValidation.Settings(maxSeconds, minSeconds, requests, 0.1, runs, seed,
        threads == null ? Runtime.getRuntime().availableProcessors() : threads);
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder md = new StringBuilder();
    String header = String.format(Locale.ROOT,
        "| workload | engine (lowest rate) | arrivals | n | ρ | μ (req/s) | λ (req/s) | c_a² | C(n, λ/μ) "
            + "| prefill: predicted / simulated mean (s) | wait p99: predicted / simulated (s) | TTFT p50 simulated (s) "
            + "| p90 predicted | p90 simulated | error | p99 predicted | p99 simulated [runs' range] | error "
            + "| k for the p99 | requests |%n"
            + "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            + "| ---: | ---: | ---: | ---: | ---: |%n");
    md.append(header);
    out.print(header);
    out.flush();
    long started = System.nanoTime();
    List<TtftValidation.Row> rows = TtftValidation.run(cases, settings, row -> {
      String line = line(row);
      md.append(line);
      out.print(line);
      out.flush();
    });
    double wall = (System.nanoTime() - started) / 1e9;
    double simulated = rows.stream().mapToDouble(TtftValidation.Row::simulatedSeconds).sum();
    String footer = String.format(Locale.ROOT, "%nk = 1, c_s² = 1; μ is the scheduler model's stable rate, λ = ρ·n·μ; "
            + "least-outstanding router. Errors are (predicted − simulated) / simulated. Poisson: %d seeds of %.0f to %.0f "
            + "measured s (%d arrivals, bounded) after a warm-up, pooled; trace: one run of %d blocks. %d cases, "
            + "%.0f simulated fleet-hours, %.0f s wall. k for the p99: (simulated p99 − predicted prefill) / predicted wait p99, the "
            + "factor the SLO loop's calibration would converge to (→ its clamp to [%.2g, %.2g]); * where it would not learn "
            + "it (a wait under %.0f ms).%n", runs, minSeconds, maxSeconds, requests, runs, rows.size(),
        simulated / 3600, wall, TtftCalibration.MIN_FACTOR, TtftCalibration.MAX_FACTOR,
        TtftCalibration.MIN_WAIT_SECONDS * 1000);
    md.append(footer);
    out.print(footer);
    out.flush();
    if (outFile != null) {
      Files.writeString(outFile, md.toString(), StandardCharsets.UTF_8);
    }
    return 0;
  }

  static String line(TtftValidation.Row row) {
    TtftValidation.Case c = row.validationCase();
    return String.format(Locale.ROOT, "| %s | %s (%s) | %s | %d | %.2f | %.3f | %.2f | %.3g | %.3f | %.3f / %.3f "
            + "| %s / %.3f | %.3f | %s | %.3f | %s | %s | %.3f [%.3f–%.3f] | %s | %s | %d |%n",
        c.name(), c.engineName(), row.binding().name().toLowerCase(Locale.ROOT).replace('_', ' '), c.arrivals(),
        c.replicas(), c.load(), row.mu(), row.lambda(), row.arrivalScv(), row.erlangC(), row.prefillSeconds(),
        row.simulatedPrefillSeconds(), seconds(row.predictedWaitP99()), row.simulatedWaitP99(), row.simulatedP50(),
        seconds(row.predictedP90()), row.simulatedP90(), percent(row.p90Error()), seconds(row.predictedP99()),
        row.simulatedP99(), row.p99Low(), row.p99High(), percent(row.p99Error()), factor(row), row.requests());
  }

  /**
   * k that matches the p99, with a star when the operator's calibration would not learn it (a wait
   * under 50 ms), and the value it would be clamped to when outside [0.05, 10].
   */
  private static String factor(TtftValidation.Row row) {
    double k = row.factorForP99();
    if (Double.isNaN(k)) {
      return "–";
    }
    if (!row.calibrates()) {
      return String.format(Locale.ROOT, "%.2f*", k);
    }
    double clamped = Math.max(TtftCalibration.MIN_FACTOR, Math.min(TtftCalibration.MAX_FACTOR, k));
    return clamped == k ? String.format(Locale.ROOT, "%.2f", k) : String.format(Locale.ROOT, "%.3f → %.2f", k, clamped);
  }

  private static String seconds(double s) {
    return Double.isInfinite(s) ? "∞" : String.format(Locale.ROOT, "%.3f", s);
  }

  private static String percent(double e) {
    return Double.isInfinite(e) ? "∞" : String.format(Locale.ROOT, "%+.0f%%", e * 100);
  }
}
