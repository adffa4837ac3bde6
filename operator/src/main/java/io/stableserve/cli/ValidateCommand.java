package io.stableserve.cli;

import io.stableserve.sim.BoundaryFinder;
import io.stableserve.sim.StabilityCriterion;
import io.stableserve.sim.Validation;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code validate}: the stability models against the simulator's empirical boundaries. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Find the simulator's stability boundary for a fixed set of workloads and engines and "
        + "compare it with the scheduler, iterative and paper models; prints Markdown tables.")
public final class ValidateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with azure-llm-2023-conv.csv and azure-llm-2023-code.csv (default: data/, "
          + "looked for from here and up to three folders above).")
  Path data;

  @Option(names = "--runs", defaultValue = "6", paramLabel = "R", description = "Runs per rate (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--horizon", defaultValue = "7200", paramLabel = "S",
      description = "Simulated seconds per run (default: ${DEFAULT-VALUE}).")
  double horizon;

  @Option(names = "--tolerance", defaultValue = "0.01", paramLabel = "F",
      description = "Drift tolerance, share of the arrival rate (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--confidence", defaultValue = "0.95", paramLabel = "C",
      description = "One-sided confidence (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(names = "--resolution", defaultValue = "0.02", paramLabel = "F",
      description = "Relative width of the final bracket (default: ${DEFAULT-VALUE}).")
  double resolution;

  @Option(names = "--only", paramLabel = "TEXT", description = "Only the cases whose group or name contains TEXT.")
  String only;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the tables to FILE.")
  Path outFile;

  @Override
  public Integer call() throws IOException {
    Path dir = data != null ? data : findData();
    Trace conversation = TraceReader.read(dir.resolve("azure-llm-2023-conv.csv"));
    Trace code = TraceReader.read(dir.resolve("azure-llm-2023-code.csv"));
    List<Validation.Case> cases = Validation.cases(conversation, code).stream()
        .filter(c -> only == null || c.group().contains(only) || c.name().contains(only)).toList();
    if (cases.isEmpty()) {
      throw new IllegalArgumentException("no validation case matches --only '" + only + "'");
    }
    StabilityCriterion criterion = new StabilityCriterion(runs, horizon, tolerance, confidence);
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    StringBuilder md = new StringBuilder();
    String[] group = {null};
    List<Validation.Row> rows = Validation.run(cases, criterion, resolution, seed,
        threads == null ? Runtime.getRuntime().availableProcessors() : threads, row -> {
          Validation.Case c = row.validationCase();
          if (!c.group().equals(group[0])) {
            group[0] = c.group();
            String header = String.format(Locale.ROOT, "%n#### %s%n%n"
                + "| case | binding (iterative) | empirical stable rate | scheduler | error | iterative | error | paper "
                + "| error | preemptions/h at boundary | recomputed | KV used | saturated: preemptions/h | R | note |%n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                + "| --- |%n", c.group());
            md.append(header);
            out.print(header);
          }
          BoundaryFinder.Probe at = row.boundary().atBoundary();
          String line = String.format(Locale.ROOT, "| %s | %s | %.3f (not shown stable at %.3f) | %.3f | %+.1f%% "
                  + "| %.3f | %+.1f%% | %.3f | %+.1f%% | %.0f | %.1f%% | %.0f%% | %.0f | %.0f | %s |%n",
              c.name(), row.binding(), row.boundary().stableRate(), row.boundary().unstableRate(),
              row.scheduler().stableRate(), row.schedulerError() * 100,
              row.iterative().stableRate(), row.iterativeError() * 100, row.paper().stableRate(),
              row.paperError() * 100, at.preemptionsPerHour(), at.recomputedShare() * 100,
              at.meanKvTokens() / c.engine().kvCacheTokens() * 100, row.saturated().preemptionsPerHour(),
              row.saturated().recomputedTokensPerRequest(), c.note());
          md.append(line);
          out.print(line);
          out.flush();
        });
    double wall = (System.nanoTime() - started) / 1e9;
    double simulated = rows.stream().mapToDouble(r -> r.boundary().simulatedSeconds()).sum();
    String footer = String.format(Locale.ROOT, "%nCriterion: %s; resolution %.0f%%. Errors are (model − empirical) / "
            + "empirical. %d cases, %.0f simulated engine-hours, %.0f s wall.%n",
        criterion.describe(), resolution * 100, rows.size(), simulated / 3600, wall);
    md.append(footer);
    out.print(footer);
    out.flush();
    if (outFile != null) {
      Files.writeString(outFile, md.toString(), StandardCharsets.UTF_8);
    }
    return 0;
  }

  static Path findData() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
      Path candidate = dir.resolve("data").normalize();
      if (Files.isRegularFile(candidate.resolve("azure-llm-2023-conv.csv"))) {
        return candidate;
      }
    }
    throw new IOException("cannot find data/ with the Azure traces from " + Path.of("").toAbsolutePath()
        + "; give --data DIR");
  }
}
