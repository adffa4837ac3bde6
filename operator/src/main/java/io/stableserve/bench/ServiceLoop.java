package io.stableserve.bench;

import io.stableserve.decide.ArrivalRate;
import io.stableserve.decide.ScalingBehavior;
import io.stableserve.decide.Decision;
import io.stableserve.decide.LoadReading;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StabilizationState;
import io.stableserve.estimate.BinnedLengths;
import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.observe.TokenHistogram;
import io.stableserve.sim.metrics.Histogram;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.IterativeModel;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.observe.MetricsConfig;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.reconcile.Evaluation;
import io.stableserve.reconcile.ServiceEvaluator;
import io.stableserve.solve.ModelKind;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The operator's per-service work without Kubernetes and Prometheus: for each InferenceService,
 * every period, the reconciler's {@link ServiceEvaluator} (estimate, engine resolution, solve,
 * preemption correction, decide) on the window an observer returns at once, keeping each service's
 * stabilisation state. The services are synthetic and all different: their own engine, prompt and
 * output lengths (as vLLM's 1-2-5 histograms of a few thousand requests) and an arrival rate that
 * moves from period to period. {@link #estimate} and {@link #solveAndDecide} split the pure part
 * for the JMH benchmark.
 */
public final class ServiceLoop {

  /** One synthetic InferenceService: its inputs and what the operator keeps for it. */
  public static final class Service {
    final EngineConfig engine;
    final TokenHistogram prompt;
    final TokenHistogram output;
    final double baseRate;
    final double phase;
    final ScalingPolicy policy;
    final InferenceServiceSpec spec;
    StabilizationState state = StabilizationState.empty();
    int replicas = 2;
    Decision last;

    Service(EngineConfig engine, TokenHistogram prompt, TokenHistogram output, double baseRate, double phase, ModelKind model) {
      this.engine = engine;
      this.prompt = prompt;
      this.output = output;
      this.baseRate = baseRate;
      this.phase = phase;
      this.policy = new ScalingPolicy(new ReplicaRange(1, 64), 0.85, ScalingBehavior.defaults());
      this.spec = StableServeAutoscaler.spec(new ReplicaRange(1, 64), 0.85, Duration.ofMinutes(2), engine, model,
          WINDOW.toSeconds(), StableServeAutoscaler.DEFAULT_SETTLE_TIME);
    }

    public Decision last() {
      return last;
    }
  }

  static final Duration WINDOW = Duration.ofMinutes(5);
  static final MetricsConfig METRICS = MetricsConfig.of(URI.create("http://prometheus.synthetic:9090"), null).withWindow(WINDOW);

  private final List<Service> services;

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

  private static TokenHistogram histogram(String name, RandomGenerator random, int low, int high) {
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
    return TokenHistogram.of(name, bounds, cumulative, h.sum(), h.count());
  }

  /** The service's engine, as its InferenceService spec gives it. */
  public static EngineConfig engineOf(Service s) {
    return s.engine;
  }

  public List<Service> services() {
    return services;
  }

  /** One period: estimate, solve and decide for every service; returns the number that scaled. */
  public int cycle(Instant now) {
    int scaled = 0;
    for (Service s : services) {
      if (evaluate(s, now).scales()) {
        scaled++;
      }
    }
    return scaled;
  }

  /**
   * The reconciler's whole evaluation of one service ({@link ServiceEvaluator}: estimate, engine
   * resolution, solve, preemption correction, decide), with an observer that answers at once with
   * the window Prometheus would have returned: the service's histograms, completions at a rate
   * that moves with time, a steady backlog, no preemptions.
   */
  public static Decision evaluate(Service s, Instant now) {
    double rate = rate(s, now);
    ServiceEvaluator evaluator = new ServiceEvaluator(config -> observation(s, rate, now));
    Evaluation e = evaluator.evaluate(s.spec, METRICS, ReplicaCounts.allReady(s.replicas), s.state, Optional.empty(), Optional.empty(), now);
    s.state = e.decision().state();
    s.replicas = e.decision().desiredReplicas();
    s.last = e.decision();
    return e.decision();
  }

  private static double rate(Service s, Instant now) {
    return s.baseRate * (1 + 0.5 * Math.sin(s.phase + now.getEpochSecond() / 600.0));
  }

  /** The window the observer returns for a service at an instant (no I/O). */
  public static io.stableserve.observe.Observation observation(Service s, Instant now) {
    return observation(s, rate(s, now), now);
  }

  private static io.stableserve.observe.Observation observation(Service s, double rate, Instant now) {
    double window = WINDOW.toSeconds();
    int parts = 10;
    List<io.stableserve.observe.Observation.IntervalSample> intervals = new ArrayList<>(parts);
    for (int k = parts - 1; k >= 0; k--) {
      intervals.add(new io.stableserve.observe.Observation.IntervalSample(now.minusSeconds((long) (k * window / parts)),
          rate * window / parts * (1 + 0.1 * ((k % 3) - 1)), OptionalDouble.empty(), OptionalDouble.empty(),
          OptionalDouble.empty(), OptionalDouble.empty()));
    }
    double running = 8.0 * s.replicas;
    return new io.stableserve.observe.Observation(now, WINDOW, METRICS.resolution(), NAMES, s.replicas, rate * window,
        running, OptionalDouble.of(running), OptionalDouble.empty(), running, 0, OptionalDouble.of(0), Optional.of(s.prompt), Optional.of(s.output),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(0.5), Optional.empty(), OptionalDouble.of(0),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), intervals, Duration.ofSeconds(5), List.of());
  }

  private static final VllmMetricNames NAMES = new VllmMetricNames(VllmMetricNames.Generation.V1, Map.of(), List.of());

  /** Estimate, solve and decide for one service at one instant, as the operator's reconcile does. */
  public static Decision reconcile(Service s, Instant now) {
    return solveAndDecide(s, estimate(s), now);
  }

  /** The estimate stage's part: the window's token histograms read as a workload. */
  public static WorkloadEstimate estimate(Service s) {
    return new WorkloadEstimate(BinnedLengths.from(s.prompt, OptionalDouble.empty()),
        BinnedLengths.from(s.output, OptionalDouble.empty()), Optional.empty());
  }

  /** Solve one replica's capacity for the workload and decide the replicas; keeps the service's state. */
  public static Decision solveAndDecide(Service s, WorkloadEstimate workload, Instant now) {
    double rate = rate(s, now);
    Capacity capacity = new IterativeModel().solve(workload, s.engine);
    Decision d = s.policy.decide(now, LoadReading.measured(new ArrivalRate(rate, 0.05 * rate), capacity),
        ReplicaCounts.allReady(s.replicas), s.state);
    s.state = d.state();
    s.replicas = d.desiredReplicas();
    s.last = d;
    return d;
  }
}
