package io.stableserve.cli;

import io.stableserve.bench.ServiceLoop;
import io.stableserve.solve.ModelKind;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench operator-cost}: the CPU and heap the operator's Kubernetes-free work needs for many
 * InferenceServices: the reconciler's evaluation (estimate, engine resolution, solve, preemption
 * correction, decide) for every service every period, on observations that are already there.
 */
@Command(name = "operator-cost", mixinStandardHelpOptions = true,
    description = "CPU and heap of the reconciler's evaluation (estimate, solve, correction, decide) for many "
        + "InferenceServices at a control period (no Kubernetes, no Prometheus I/O).")
public final class OperatorCostCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--services", defaultValue = "1000", paramLabel = "N", description = "InferenceServices (default: ${DEFAULT-VALUE}).")
  int services;

  @Option(names = "--periods", defaultValue = "200", paramLabel = "K", description = "Control periods to run (default: ${DEFAULT-VALUE}).")
  int periods;

  @Option(names = "--warmup", defaultValue = "50", paramLabel = "K", description = "Periods run first and not measured (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--period-seconds", defaultValue = "15", paramLabel = "S", description = "Control period (default: ${DEFAULT-VALUE}).")
  double periodSeconds;

  @Mixin
  ModelOption model = new ModelOption();

  @Override
  public Integer call() {
    if (services < 1 || periods < 1 || warmup < 0 || !(periodSeconds > 0)) {
      throw new IllegalArgumentException("--services and --periods must be at least 1, --warmup >= 0, --period-seconds > 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ModelKind kind = model.kind();
    ServiceLoop loop = ServiceLoop.create(services, 7, kind);
    long t = 1_800_000_000L;
    // The first period solves every workload for the first time: under the scheduler model, a
    // saturated run each, which later periods find remembered.
    long firstCpu = threads.getCurrentThreadCpuTime();
    long firstWall = System.nanoTime();
    loop.cycle(Instant.ofEpochSecond(t));
    double firstCpuSeconds = (threads.getCurrentThreadCpuTime() - firstCpu) / 1e9;
    double firstWallSeconds = (System.nanoTime() - firstWall) / 1e9;
    t += (long) periodSeconds;
    for (int k = 1; k < warmup; k++, t += (long) periodSeconds) {
      loop.cycle(Instant.ofEpochSecond(t));
    }
    long cpuStart = threads.getCurrentThreadCpuTime();
    long wallStart = System.nanoTime();
    long slowest = 0;
    int scaled = 0;
    for (int k = 0; k < periods; k++, t += (long) periodSeconds) {
      long c0 = threads.getCurrentThreadCpuTime();
      scaled += loop.cycle(Instant.ofEpochSecond(t));
      slowest = Math.max(slowest, threads.getCurrentThreadCpuTime() - c0);
    }
    double cpuPerPeriod = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9 / periods;
    double wallPerPeriod = (System.nanoTime() - wallStart) / 1e9 / periods;
    System.gc();
    System.gc();
    long heapUsed = memory.getHeapMemoryUsage().getUsed();
    long heapMax = Runtime.getRuntime().maxMemory();
    out.printf(Locale.ROOT, "%d InferenceServices, %s model, the reconciler's evaluation each, %d periods of %.0f s after %d warm-up periods%n",
        services, kind.name().toLowerCase(Locale.ROOT), periods, periodSeconds, Math.max(1, warmup));
    out.printf(Locale.ROOT, "  first period        CPU %.2f s, wall %.2f s (every workload solved for the first time)%n",
        firstCpuSeconds, firstWallSeconds);
    out.printf(Locale.ROOT, "  CPU per period      %.1f ms (slowest %.1f ms), wall %.1f ms%n", cpuPerPeriod * 1e3, slowest / 1e6, wallPerPeriod * 1e3);
    out.printf(Locale.ROOT, "  per service         %.1f µs%n", cpuPerPeriod / services * 1e6);
    out.printf(Locale.ROOT, "  cores at a %.0f s period  %.4f%n", periodSeconds, cpuPerPeriod / periodSeconds);
    out.printf(Locale.ROOT, "  heap after GC       %.1f MiB (max heap %.0f MiB)%n", heapUsed / 1048576.0, heapMax / 1048576.0);
    out.printf(Locale.ROOT, "  decisions that scaled %d of %d%n", scaled, (long) services * periods);
    out.flush();
    return 0;
  }
}
