package io.stableserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code stableserve.jar}. */
@Command(
    name = "stableserve",
    mixinStandardHelpOptions = true,
    versionProvider = StableServe.Version.class,
    description = "Autoscales LLM inference services by their queueing-theoretic stable region.",
    subcommands = {PlanCommand.class, ObserveCommand.class, RunCommand.class, SimulateCommand.class, ValidateCommand.class,
        SimBenchCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class StableServe {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StableServe());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
        commandLine.getErr().println("error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StableServe.class.getPackage().getImplementationVersion();
      return new String[] {"stableserve " + (version == null ? "dev" : version)};
    }
  }
}
