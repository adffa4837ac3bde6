package io.stableserve.bench;

import io.stableserve.decide.ArrivalEstimate;
import io.stableserve.decide.Behavior;
import io.stableserve.decide.Decision;
import io.stableserve.decide.Observation;
import io.stableserve.decide.ReplicaBounds;
import io.stableserve.decide.Recommendation;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StabilizationState;
import io.stableserve.estimate.BinnedLengths;
import io.stableserve.estimate.ObservedWorkload;
import io.stableserve.observe.TokenHistogram;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * StableServe: the operator's own solve and decide steps ({@link ScalingPolicy}) on what its
 * observe stage would read from Prometheus over the estimation window (default 5 min, cut into
 * 30 s sub-intervals):
 *
 * <ul>
 *   <li>λ̂ = (completions + growth of running + waiting) / W, with the standard error of the
 *       sub-interval rates (sd / √K), as the estimate stage defines them;</li>
 *   <li>token moments from the window's increase of the {@code vllm:request_prompt_tokens} and
 *       {@code vllm:request_generation_tokens} histograms, read by the estimate stage's
 *       {@link BinnedLengths} (prompt and output taken as independent);</li>
 *   <li>the engine (M, chunk, caps, step-time coefficients) as the InferenceService spec gives it.</li>
 * </ul>
 * Before the window has filled it uses what there is; with no completion yet it holds (the
 * operator's rule without metrics). Its first decision starts the scale-down window from the
 * replicas the service has, as a newly created HPA does, so that taking over a running service does
 * not scale it down at once.
 */
public final class StableServeAutoscaler implements Autoscaler {

  public static final String NAME = "StableServe";
  public static final double DEFAULT_TARGET_UTILIZATION = 0.85;
  public static final double WINDOW_SECONDS = 300;
  public static final double SUB_INTERVAL_SECONDS = 30;

  private final ScalingPolicy policy;
  private final EngineConfig engine;
  private final ModelKind model;
  private StabilizationState state = StabilizationState.empty();
  private Decision last;

  public StableServeAutoscaler(ReplicaRange range, double targetUtilization, Duration startupTime, EngineConfig engine,
      ModelKind model) {
    this.policy = new ScalingPolicy(new ReplicaBounds(range.min(), range.max()), targetUtilization,
        Behavior.defaults().withStartupTime(startupTime));
    this.engine = engine;
    this.model = model;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  /** The last decision, with its reason. */
  public Optional<Decision> lastDecision() {
    return Optional.ofNullable(last);
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    Observation observation = observe(metrics);
    Instant now = Instant.ofEpochMilli(Math.round(metrics.now() * 1000));
    if (last == null) {
      // Taken over a running service: its scale-down window starts from the count it has, as the HPA's does.
      state = new StabilizationState(List.of(new Recommendation(now, specReplicas)), Optional.empty());
    }
    last = policy.decide(now, observation, new ReplicaCounts(specReplicas, readyReplicas), state);
    state = last.state();
    return last.desiredReplicas();
  }

  Observation observe(FleetMetrics metrics) {
    List<FleetMetrics.Increase> parts = List.of();
    for (double w = WINDOW_SECONDS; w >= SUB_INTERVAL_SECONDS && parts.isEmpty(); w -= SUB_INTERVAL_SECONDS) {
      parts = metrics.increases(w, SUB_INTERVAL_SECONDS);
    }
    if (parts.isEmpty()) {
      return Observation.unavailable("WindowEmpty", "no counter samples cover a sub-interval yet");
    }
    double seconds = parts.get(parts.size() - 1).to() - parts.get(0).from();
    double arrivals = 0;
    for (FleetMetrics.Increase p : parts) {
      arrivals += p.arrivals();
    }
    double rate = arrivals / seconds;
    double standardError;
    if (parts.size() >= 5) {
      double sq = 0;
      for (FleetMetrics.Increase p : parts) {
        double r = p.arrivals() / p.seconds();
        sq += (r - rate) * (r - rate);
      }
      standardError = Math.sqrt(sq / (parts.size() - 1)) / Math.sqrt(parts.size());
    } else {
      standardError = Math.sqrt(arrivals) / seconds;
    }
    TokenHistogram prompt = sum(parts, true);
    TokenHistogram output = sum(parts, false);
    if (prompt.count() < 1) {
      return Observation.unavailable("NoCompletions", "no request completed in the window: token moments unknown");
    }
    ObservedWorkload workload = new ObservedWorkload(BinnedLengths.from(prompt, OptionalDouble.empty()),
        BinnedLengths.from(output, OptionalDouble.empty()), Optional.empty());
    Capacity capacity = model.model().solve(workload, engine);
    return Observation.measured(new ArrivalEstimate(rate, standardError), capacity);
  }

  private static TokenHistogram sum(List<FleetMetrics.Increase> parts, boolean prompt) {
    TokenHistogram first = prompt ? parts.get(0).prompt() : parts.get(0).output();
    double[] counts = new double[first.buckets().size()];
    double total = 0, count = 0;
    for (FleetMetrics.Increase p : parts) {
      TokenHistogram h = prompt ? p.prompt() : p.output();
      for (int i = 0; i < counts.length; i++) {
        counts[i] += h.buckets().get(i).cumulativeCount();
      }
      total += h.sum();
      count += h.count();
    }
    List<TokenHistogram.Bucket> buckets = new java.util.ArrayList<>(counts.length);
    for (int i = 0; i < counts.length; i++) {
      buckets.add(new TokenHistogram.Bucket(first.buckets().get(i).upperBound(), counts[i]));
    }
    return new TokenHistogram(first.metric(), buckets, total, count);
  }
}
