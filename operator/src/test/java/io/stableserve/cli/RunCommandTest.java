package io.stableserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

  @Test
  void takesTheDeployManifestsFlags() {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs("--watch-namespaces=llm,chat", "--leader-election-namespace=stableserve-system",
        "--metrics-port=8080", "--health-port=8081");
    assertThat(run.namespaces).containsExactly("llm", "chat");
    assertThat(run.leaseNamespace).isEqualTo("stableserve-system");
    assertThat(run.leaderElection).isTrue();
    assertThat(run.metricsPort).isEqualTo(8080);
    assertThat(run.healthPort).isEqualTo(8081);
  }

  @Test
  void anEmptyNamespaceListWatchesAllAndLeaderElectionCanBeTurnedOff() {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs("--watch-namespaces=", "--no-leader-election");
    assertThat(run.namespaces).allSatisfy(n -> assertThat(n).isBlank());
    assertThat(run.leaderElection).isFalse();
  }

  @Test
  void isASubcommandOfStableServe() {
    assertThat(StableServe.commandLine().getSubcommands()).containsKey("run");
  }
}
