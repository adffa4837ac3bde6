package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.e2e.RealApiServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** kubectl ({@link RealApiServers#kubectl()}) with a kubeconfig of the run folder. */
public final class Kubectl {

  /** What a kubectl command printed, and its exit code. */
  public record Result(List<String> command, int exitCode, String out, String err) {

    /** The output, or an AssertionError naming the command and what it printed when it failed. */
    public String ok() {
      if (exitCode != 0) {
        throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ":\n" + err + out);
      }
      return out;
    }
  }

  private static Integer minor;

  private Kubectl() {}

  /**
   * Fails, saying why, unless kubectl is newer than v1.20, the script's fallback build: that one
   * gives up discovery on a server without the core API ({@code /api} is a 404 on
   * apiextensions-apiserver), so it knows no InferenceServices there, and its kustomize (v2.0.3)
   * cannot read inline {@code patches}.
   */
  public static void requireNewerThanV120(String forWhat) {
    assertThat(minorVersion()).as("%s needs a kubectl newer than v1.20 (found %s, the fallback that "
        + "scripts/real-apiserver.sh builds): put one on PATH or name it in STABLESERVE_KUBECTL (checked with v1.32)",
        forWhat, RealApiServers.kubectl()).isGreaterThan(20);
  }

  private static synchronized int minorVersion() {
    if (minor == null) {
      String json = run(null, "version", "--client", "-o", "json").ok();
      Matcher m = Pattern.compile("\"minor\"\\s*:\\s*\"(\\d+)").matcher(json);
      assertThat(m.find()).as("the minor version in %s", json).isTrue();
      minor = Integer.parseInt(m.group(1));
    }
    return minor;
  }

  /** {@code kubectl --kubeconfig RUN/KUBECONFIG ARGS...} (no kubeconfig where null), with a minute to finish. */
  public static Result run(String kubeconfig, String... args) {
    List<String> command = new ArrayList<>(List.of(RealApiServers.kubectl().toString()));
    if (kubeconfig != null) {
      command.addAll(List.of("--kubeconfig", RealApiServers.file(kubeconfig).toString()));
    }
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("kubectl", ".out");
      Path err = Files.createTempFile("kubectl", ".err");
      try {
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
