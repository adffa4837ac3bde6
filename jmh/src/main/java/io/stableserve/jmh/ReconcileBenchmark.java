package io.stableserve.jmh;

import io.stableserve.estimate.Estimator;
import io.stableserve.estimate.ServiceEstimate;

import io.stableserve.bench.ServiceLoop;
import io.stableserve.decide.Decision;
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
 * The operator's per-service work without I/O, for one InferenceService: the estimate stage alone on
 * an observation that is already there, and the whole pipeline ({@code ScalingPipeline}: estimate,
 * engine resolution, solve, preemption correction, decide) with the service's memory in an
 * in-memory state store. 64 different services are cycled through so that no single input is
 * cached by the CPU or the JIT.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReconcileBenchmark {

  private ServiceLoop loop;
  private List<ServiceLoop.Service> services;
  private int next;
  private long clock = 1_800_000_000L;

  @Setup
  public void setUp() {
    loop = ServiceLoop.create(64, 3);
    services = loop.services();
  }

  /** The estimate stage: the window's counters and histograms read as λ̂ and token moments. */
  @Benchmark
  public ServiceEstimate estimate() {
    ServiceLoop.Service s = nextService();
    return Estimator.estimate(ServiceLoop.observation(s, Instant.ofEpochSecond(clock)));
  }

  /** The pipeline the reconciler runs, from an observation to a decision, without Prometheus I/O. */
  @Benchmark
  public Decision evaluate() {
    ServiceLoop.Service s = nextService();
    return loop.evaluate(s, Instant.ofEpochSecond(clock)).decision();
  }

  /** The next service in turn, one 15 s period later. */
  private ServiceLoop.Service nextService() {
    ServiceLoop.Service s = services.get(next);
    next = (next + 1) % services.size();
    clock += 15;
    return s;
  }
}
