package io.stableserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OperatorCostCommandTest {

  static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = StableServe.commandLine();
    cli.setOut(new PrintWriter(out));
    String[] all = new String[args.length + 2];
    all[0] = "bench";
    all[1] = "operator-cost";
    System.arraycopy(args, 0, all, 2, args.length);
    assertThat(cli.execute(all)).isZero();
    return out.toString();
  }

  @Test
  void reportsTheFirstPeriodAndTheSteadyCostOfTheSchedulerModel() {
    String out = run("--services", "3", "--periods", "2", "--warmup", "1");
    assertThat(out).contains("3 InferenceServices, scheduler model")
        .containsPattern("first period +CPU [0-9.]+ s, wall [0-9.]+ s")
        .containsPattern("per service +[0-9.]+ µs")
        .contains("decisions that scaled");
  }

  @Test
  void measuresTheIterativeModelOnRequest() {
    assertThat(run("--services", "2", "--periods", "1", "--warmup", "0", "--model", "iterative"))
        .contains("2 InferenceServices, iterative model");
  }
}
