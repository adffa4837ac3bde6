package io.stableserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;

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

  @Test
  void theLeaseTimingsDefaultToTheJavaOperatorSdksAndCanBeShortened() {
    RunCommand defaults = new RunCommand();
    new CommandLine(defaults).parseArgs();
    LeaderElectionConfiguration lease = defaults.leaderElection("stableserve-system");
    assertThat(lease.getLeaseDuration()).isEqualTo(LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE);
    assertThat(lease.getRenewDeadline()).isEqualTo(LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE);
    assertThat(lease.getRetryPeriod()).isEqualTo(LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);
    assertThat(lease.getLeaderCallbacks()).as("the CLI's own exit when the Lease is lost").isPresent();
    assertThat(lease.isExitOnStopLeading()).as("not the SDK's, which blocks in the shutdown hook").isFalse();

    RunCommand shortened = new RunCommand();
    new CommandLine(shortened).parseArgs("--lease-duration=4s", "--lease-renew-deadline=3s", "--lease-retry-period=500ms");
    lease = shortened.leaderElection("stableserve-system");
    assertThat(lease.getLeaseNamespace()).contains("stableserve-system");
    assertThat(lease.getLeaseDuration()).isEqualTo(Duration.ofSeconds(4));
    assertThat(lease.getRenewDeadline()).isEqualTo(Duration.ofSeconds(3));
    assertThat(lease.getRetryPeriod()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void leaseTimingsOutOfBoundsOrOutOfOrderAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> lease("--lease-duration=1s", "--lease-renew-deadline=1s"))
        .hasMessageContaining("--lease-duration: must be between 2s and 5m");
    assertThatThrownBy(() -> lease("--lease-retry-period=100ms"))
        .hasMessageContaining("--lease-retry-period: must be between 200ms and 1m");
    assertThatThrownBy(() -> lease("--lease-duration=10s"))
        .hasMessageContaining("--lease-renew-deadline (10s) must be shorter than --lease-duration (10s)");
    assertThatThrownBy(() -> lease("--lease-renew-deadline=2s400ms"))
        .hasMessageContaining("must be longer than 1.2 times --lease-retry-period (2s)");
    assertThatThrownBy(() -> lease("--lease-duration=fifteen"))
        .hasMessageContaining("--lease-duration: 'fifteen' is not a duration");
    assertThat(lease("--lease-renew-deadline=2s500ms").getRenewDeadline()).isEqualTo(Duration.ofMillis(2500));
  }

  private static LeaderElectionConfiguration lease(String... args) {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs(args);
    return run.leaderElection("stableserve-system");
  }
}
