package io.stableserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The mixed fleet's options: what each refuses, and that a price set reaches the fleet. */
class BenchCommandTest {

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = StableServe.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cli.execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aQuotaOrAPriceWithoutTheMixedFleetIsRefusedAndSaysWhatToAdd() {
    Run r = run("--price", "a100=1.3");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("--quota, --quota-reported and --price apply to the mixed fleet only: add --fleet mixed");
    Run reported = run("--fleet", "mixed", "--quota-reported");
    assertThat(reported.exitCode()).isNotZero();
    assertThat(reported.err()).contains("give the quota too: --quota VARIANT=N");
  }

  @Test
  void aVariantTheFleetDoesNotHaveIsRefusedNamingThoseItHas() {
    Run quota = run("--fleet", "mixed", "--quota", "l40s=2");
    assertThat(quota.exitCode()).isNotZero();
    assertThat(quota.err()).contains("--quota l40s=2: expected a variant of [h100, a100]");
    Run price = run("--fleet", "mixed", "--price", "l40s=1.0");
    assertThat(price.exitCode()).isNotZero();
    assertThat(price.err()).contains("--price l40s=1.0: expected a variant of [h100, a100]");
    Run free = run("--fleet", "mixed", "--price", "a100=0");
    assertThat(free.exitCode()).isNotZero();
    assertThat(free.err()).contains("variant a100: cost per replica-hour must be a finite number > 0, got 0.0");
  }

  @Test
  void aPriceAndAQuotaReachTheMixedFleet() {
    Run r = run("--fleet", "mixed", "--seeds", "42", "--stages", "pinned", "--workloads", "shift", "--price", "a100=1.3",
        "--quota", "h100=6", "--data", "../data");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("a100 1.30/h (0..8)").contains("Quota: at most 6 h100 replicas start; the policies are not told")
        .contains("| shift | StableServe |");
  }
}
