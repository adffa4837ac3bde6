package io.stableserve.bench;

import io.stableserve.estimate.EngineSettings;
import io.stableserve.observe.Observation;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.InMemoryStateStore;
import io.stableserve.pipeline.ScalingPipeline;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.ServiceSettings;
import io.stableserve.pipeline.StateStore;
import io.stableserve.settings.Defaults;

import io.stableserve.decide.Decision;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.sim.metrics.Histogram;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.solve.ModelKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The operator's per-service work without Kubernetes and Prometheus: for each InferenceService,
 * every period, the operator's pipeline ({@link ScalingPipeline}: estimate, engine resolution,
 * solve, preemption correction, decide) on the window an observer returns at once, with each
 * service's memory in an in-memory state store. The services are synthetic and all different: their
 * own engine, prompt and output lengths (as vLLM's 1-2-5 histograms of a few thousand requests) and
 * an arrival rate that moves from period to period. {@link #observation} gives the window alone,
 * for the JMH benchmark.
 */
public final class ServiceLoop {

  /** One synthetic InferenceService: its inputs and what the operator keeps for it. */
  public static final class Service {
    final EngineConfig engine;
    final WindowHistogram prompt;
    final WindowHistogram output;
    final double baseRate;
    final double phase;
    final ServiceSettings settings;
    int replicas = 2;
    Decision last;

    Service(EngineConfig engine, WindowHistogram prompt, WindowHistogram output, double baseRate, double phase, ModelKind model) {
      this.engine = engine;
      this.prompt = prompt;
      this.output = output;
      this.baseRate = baseRate;
      this.phase = phase;
      this.settings = ServiceSettings.defaults(new ReplicaRange(1, 64), EngineSettings.given(engine)).withModel(model);
    }

    public Decision last() {
      return last;
    }
  }

  static final ObservationWindow WINDOW = ObservationWindow.of(Defaults.window());

  private final List<Service> services;
  private final StateStore<Service> memories = new InMemoryStateStore<>();

  private ServiceLoop(List<Service> services) {
    this.services = services;
  }

  /** {@code count} different services from a seed, solved by the iterative model. */
  public static ServiceLoop create(int count, long seed) {
    return create(count, seed, ModelKind.ITERATIVE);
  }

  /** {@code count} different services from a seed, solved by {@code model}. */
  public static ServiceLoop create(int count, long seed, ModelKind model) {
    if (count < 1) {
      throw new IllegalArgumentException("the loop needs at least one service, got " + count);
    }
    RandomGenerator random = new MersenneTwister(seed);
    List<Service> services = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long kv = 32_768L << random.nextInt(3);
      EngineConfig engine = new EngineConfig(kv, 2048, OptionalInt.of(256), OptionalInt.of(2048),
          new StepTimeModel(0.004 + 0.004 * random.nextDouble(), 1e-5 + 1e-5 * random.nextDouble(), 1e-7 * random.nextDouble()));
      int promptLow = 20 + random.nextInt(500);
      int promptHigh = promptLow + 200 + random.nextInt(3000);
      int outputLow = 10 + random.nextInt(200);
      int outputHigh = outputLow + 50 + random.nextInt(600);
      services.add(new Service(engine, histogram("vllm:request_prompt_tokens", random, promptLow, promptHigh),
          histogram("vllm:request_generation_tokens", random, outputLow, outputHigh), 1 + 30 * random.nextDouble(),
          2 * Math.PI * random.nextDouble(), model));
    }
    return new ServiceLoop(services);
  }

  private static WindowHistogram histogram(String name, RandomGenerator random, int low, int high) {
    Histogram h = new Histogram(Histogram.oneTwoFive(32_768));
    int n = 2000 + random.nextInt(4000);
    for (int i = 0; i < n; i++) {
      h.observe(low + random.nextInt(high - low + 1));
    }
    double[] bounds = new double[h.bucketCount()];
    double[] cumulative = new double[h.bucketCount()];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = h.bound(i);
      cumulative[i] = h.cumulativeCount(i);
    }
    return WindowHistogram.of(name, bounds, cumulative, h.sum(), h.count());
  }

  /** The service's engine, as its InferenceService spec gives it. */
  public static EngineConfig engineOf(Service s) {
    return s.engine;
  }

  public List<Service> services() {
    return services;
  }

  /** One period: the pipeline for every service; returns the number that scaled. */
  public int cycle(Instant now) {
    int scaled = 0;
    for (Service s : services) {
      if (evaluate(s, now).decision().scales()) {
        scaled++;
      }
    }
    return scaled;
  }

  /**
   * The operator's pipeline for one service, with an observer that answers at once with the window
   * Prometheus would have returned: the service's histograms, completions at a rate that moves with
   * time, a steady backlog, no preemptions. The new count is taken as written.
   */
  public Evaluation evaluate(Service s, Instant now) {
    ServiceMemory memory = memories.load(s);
    Evaluation e = ScalingPipeline.evaluate(observation(s, now), s.settings, memory, ReplicaCounts.allReady(s.replicas), now);
    memories.store(s, memory.after(e, e.decision().scales(), now));
    s.replicas = e.decision().desiredReplicas();
    s.last = e.decision();
    return e;
  }

  private static double rate(Service s, Instant now) {
    return s.baseRate * (1 + 0.5 * Math.sin(s.phase + now.getEpochSecond() / 600.0));
  }

  /** The window the observer returns for a service at an instant (no I/O). */
  public static Observation observation(Service s, Instant now) {
    double rate = rate(s, now);
    double window = WINDOW.seconds();
    int parts = 10;
    List<Observation.IntervalSample> intervals = new ArrayList<>(parts);
    for (int k = parts - 1; k >= 0; k--) {
      intervals.add(Observation.IntervalSample.arrivalsOnly(now.minusSeconds((long) (k * window / parts)),
          rate * window / parts * (1 + 0.1 * ((k % 3) - 1))));
    }
    double running = 8.0 * s.replicas;
    return new Observation(now, WINDOW, NAMES,
        new Observation.RequestFlow(rate * window, running, OptionalDouble.of(running), OptionalDouble.empty()),
        new Observation.Occupancy(s.replicas, running, 0, OptionalDouble.of(0), OptionalDouble.of(0.5)),
        Observation.TokenLengths.of(s.prompt, s.output), Observation.EngineSignals.preemptionsOnly(OptionalDouble.of(0)),
        intervals, Duration.ofSeconds(5), List.of());
  }

  private static final VllmMetricNames NAMES = new VllmMetricNames(VllmMetricNames.Generation.V1, Map.of(), List.of());
}
