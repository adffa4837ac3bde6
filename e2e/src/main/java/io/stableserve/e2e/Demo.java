package io.stableserve.e2e;

import io.stableserve.api.TtftObjective;

import io.stableserve.api.Mode;
import io.stableserve.solve.Capacity;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Optional;

/**
 * The closed loop in three acts, about three minutes of wall time: one vLLM Deployment (simulated
 * replicas behind real {@code /metrics} endpoints, scraped by a real Prometheus) scaled by the
 * operator process through the API server mock.
 * <ol>
 *   <li>the load triples in one step (1.65 → 4.95 req/s, the middle of the model's band for 3
 *       replicas): the operator settles on the count the model gives and scales up to it;</li>
 *   <li>the load falls back: one scale-down, after the 30 s scale-down window;</li>
 *   <li>prompts become long (1,500–2,500 tokens) at the same rate: the KV cache becomes the
 *       bottleneck and the count rises again.</li>
 * </ol>
 * The service has a TTFT objective (p99 under {@value #TTFT_TARGET_SECONDS} s). Prints a live table every
 * two seconds (with the TTFT p99 the replicas measure) and {@code kubectl get} lines at each act, then
 * {@code kubectl describe}-style output (with the SLO's measured, predicted and calibrated TTFT), and
 * writes a chart with a panel per quantity. Usage: {@code Demo [--real-apiserver] [CHART.png]}
 * (default {@code target/demo/closed-loop.png} under the working directory); with
 * {@code --real-apiserver} the same acts play on kube-apiserver v1.20.2 ({@link Cluster.ApiServer#REAL})
 * instead of the mock.
 */
public final class Demo {

  private static final double BASE = 1.65;
  static final double TTFT_TARGET_SECONDS = 2;
  static final double TTFT_PERCENTILE = 0.99;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    PrintStream out = System.out;
    List<String> arguments = List.of(args);
    Cluster.ApiServer apiServer = arguments.contains("--real-apiserver") ? Cluster.ApiServer.REAL : Cluster.ApiServer.MOCK;
    String apiServerName = apiServer == Cluster.ApiServer.REAL ? "kube-apiserver v1.20.2" : "API server mock";
    Path chart = Path.of(arguments.stream().filter(a -> !a.startsWith("--")).findFirst().orElse("target/demo/closed-loop.png"))
        .toAbsolutePath();
    Path work = chart.getParent().resolve("loop");
    Capacity shortCap = ClosedLoop.capacity(ClosedLoop.SHORT);
    Capacity longCap = ClosedLoop.capacity(ClosedLoop.LONG);
    out.printf(Locale.ROOT, "StableServe closed-loop demo: %s + real Prometheus + `stableserve.jar run` + simulated vLLM%n", apiServerName);
    out.printf(Locale.ROOT, "model: short prompts %.2f req/s per replica (%s), long prompts %.2f req/s (%s), target utilisation %.1f%n",
        shortCap.stableRate(), shortCap.bottleneck(), longCap.stableRate(), longCap.bottleneck(), ClosedLoop.TARGET_UTILIZATION);
    out.printf(Locale.ROOT, "expected: %.1f req/s -> %d replica(s); %.1f req/s -> %d; long prompts at %.1f req/s -> %d%n%n",
        BASE, ClosedLoop.replicasFor(BASE, ClosedLoop.SHORT), 3 * BASE, ClosedLoop.replicasFor(3 * BASE, ClosedLoop.SHORT),
        BASE, ClosedLoop.replicasFor(BASE, ClosedLoop.LONG));
    out.printf(Locale.ROOT, "SLO: TTFT p%.0f <= %.0f s (spec.slo.ttft); the count never falls below ρ's%n%n", TTFT_PERCENTILE * 100,
        TTFT_TARGET_SECONDS);
    out.println("starting the " + apiServerName + ", Prometheus and the operator ...");
    try (ClosedLoop loop = ClosedLoop.start(work, apiServer)) {
      out.printf("cluster %s, Prometheus %s, operator log %s%n%n", loop.cluster().url(), loop.prometheus().url(), loop.operator().log());
      Served served = loop.deploy("llm", Mode.Enforce, BASE, ClosedLoop.SHORT, 7,
          Optional.of(new TtftObjective(Math.round(TTFT_TARGET_SECONDS) + "s", TTFT_PERCENTILE)));
      out.println(Served.Row.header());
      Instant start = Instant.now();
      try (Timeline timeline = new Timeline(served, 2000, row -> Timeline.print(out, row))) {
        act(out, served, String.format(Locale.ROOT, "warm-up: %.2f req/s of short prompts", BASE), Duration.ofSeconds(35), start);
        served.load().set(3 * BASE, ClosedLoop.SHORT);
        act(out, served, String.format(Locale.ROOT, "act 1: the load triples to %.2f req/s", 3 * BASE), Duration.ofSeconds(50), start);
        served.load().set(BASE, ClosedLoop.SHORT);
        act(out, served, String.format(Locale.ROOT, "act 2: the load falls back to %.2f req/s", BASE), Duration.ofSeconds(60), start);
        served.load().set(BASE, ClosedLoop.LONG);
        act(out, served, String.format(Locale.ROOT, "act 3: long prompts (1500-2500 tokens) at the same %.2f req/s", BASE), Duration.ofSeconds(55), start);
        out.println();
        out.println("$ kubectl get inferenceservice -n llm");
        out.println(Served.getHeader());
        out.println(served.getLine());
        out.println();
        out.println("$ kubectl describe inferenceservice -n llm " + served.service().getMetadata().getName());
        out.print(served.describe());
        Path png = timeline.chart(chart, "StableServe closed loop", OptionalDouble.of(TTFT_TARGET_SECONDS));
        out.println();
        out.println("chart written to " + png);
      }
    }
  }

  private static void act(PrintStream out, Served served, String title, Duration length, Instant start) {
    out.printf(Locale.ROOT, "---- %s (at %ds)%n", title, Duration.between(start, Instant.now()).toSeconds());
    Served.sleep(length);
    out.println("  $ kubectl get isvc: " + served.getLine());
  }

  private Demo() {}
}
