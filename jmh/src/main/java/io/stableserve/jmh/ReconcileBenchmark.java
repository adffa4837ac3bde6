package io.stableserve.jmh;

import io.stableserve.bench.ServiceLoop;
import io.stableserve.decide.Decision;
import io.stableserve.estimate.WorkloadEstimate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The operator's per-service work without I/O, for one InferenceService: solve (iterative model)
 * and decide; the same with the estimate stage's reading of two token histograms before them; and
 * the reconciler's whole evaluation ({@code ServiceEvaluator}: estimator, engine resolution, solve,
 * preemption correction, decide) on an observation that is already there.
 * 64 different services are cycled through so that no single input is cached by the CPU or the JIT.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReconcileBenchmark {

  private List<ServiceLoop.Service> services;
  private List<WorkloadEstimate> workloads;
  private int next;
  private long clock = 1_800_000_000L;

  @Setup
  public void setUp() {
    services = ServiceLoop.create(64, 3).services();
    workloads = services.stream().map(ServiceLoop::estimate).toList();
  }

  /** Solve and decide alone, from an estimated workload. */
  @Benchmark
  public Decision solveDecide() {
    int i = next;
    next = (next + 1) % services.size();
    clock += 15;
    return ServiceLoop.solveAndDecide(services.get(i), workloads.get(i), Instant.ofEpochSecond(clock));
  }

  /** The reconciler's whole evaluation (ServiceEvaluator) without Prometheus I/O. */
  @Benchmark
  public Decision evaluate() {
    ServiceLoop.Service s = nextService();
    return ServiceLoop.evaluate(s, Instant.ofEpochSecond(clock));
  }

  @Benchmark
  public Decision estimateSolveDecide() {
    ServiceLoop.Service s = nextService();
    return ServiceLoop.reconcile(s, Instant.ofEpochSecond(clock));
  }

  /** The next service in turn, one 15 s period later. */
  private ServiceLoop.Service nextService() {
    ServiceLoop.Service s = services.get(next);
    next = (next + 1) % services.size();
    clock += 15;
    return s;
  }
}
