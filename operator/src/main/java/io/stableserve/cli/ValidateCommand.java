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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code validate}: the stability models against the simulator's empirical boundaries. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Find the simulator's stability boundary for a fixed set of workloads and engines and "
        + "compare it with the scheduler, iterative and paper models; prints Markdown tables.",
    subcommands = ValidateTtftCommand.class)
public final class ValidateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  BoundaryOptions boundaryOptions = new BoundaryOptions();

  @Mixin
  DataOption dataOption = new DataOption();







  @Option(names = "--only", paramLabel = "TEXT", description = "Only the cases whose group or name contains TEXT.")
  String only;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;


  @Option(names = "--out", paramLabel = "FILE", description = "Also write the tables to FILE.")
  Path outFile;

  @Override
  public Integer call() throws IOException {
    Path dir = dataOption.folder();
    Trace conversation = TraceReader.read(dir.resolve("azure-llm-2023-conv.csv"));
    Trace code = TraceReader.read(dir.resolve("azure-llm-2023-code.csv"));
    List<Validation.Case> cases = Validation.cases(conversation, code).stream()
        .filter(c -> only == null || c.group().contains(only) || c.name().contains(only)).toList();
    if (cases.isEmpty()) {
      throw new IllegalArgumentException("no validation case matches --only '" + only + "'");
    }
    StabilityCriterion criterion = boundaryOptions.criterion();
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    StringBuilder md = new StringBuilder();
    String[] group = {null};
    List<Validation.Row> rows = Validation.run(cases, criterion, boundaryOptions.resolution(), seed,
        boundaryOptions.threads(), row -> {
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
        criterion.describe(), boundaryOptions.resolution() * 100, rows.size(), simulated / 3600, wall);
    md.append(footer);
    out.print(footer);
    out.flush();
    if (outFile != null) {
      Files.writeString(outFile, md.toString(), StandardCharsets.UTF_8);
    }
    return 0;
  }
}
