package io.stableserve.pipeline;

import io.stableserve.decide.Mix;
import io.stableserve.decide.MixDecision;
import io.stableserve.decide.VariantStall;
import io.stableserve.estimate.EngineSettings.ResolvedEngine;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.solve.Capacity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One pass of the pipeline for a service of several variants: what was estimated, each variant's
 * engine and capacity, and the mix decided.
 *
 * @param estimate the service's workload over all variants, when the metrics could be read
 * @param variants one per variant, in the spec's order
 * @param metricsFailure why the metrics could not be used, when they could not (the mix is held)
 * @param current the replicas each variant has now
 * @param decision the mix change decided, when the metrics could be used
 * @param message why this mix, in words with the figures
 * @param sizing the one-type pass that sized the capacity, in replicas of the unit variant
 *     ({@link ScalingPipeline#evaluateMix}), when the variants could be solved
 * @param stalls each variant's stall after this pass, in the spec's order ({@link VariantStall})
 */
public record MixEvaluation(
    Optional<ServiceEstimate> estimate,
    List<VariantCapacity> variants,
    Optional<Evaluation.MetricsFailure> metricsFailure,
    Mix current,
    Optional<MixDecision> decision,
    Mix mix,
    String message,
    Optional<Evaluation> sizing,
    List<VariantStall> stalls) {

  /**
   * One variant as the pass found it.
   *
   * @param engine its engine, when given or observed
   * @param capacity one replica's capacity on the service's token lengths, when solved
   */
  public record VariantCapacity(String name, double costPerHour, Optional<ResolvedEngine> engine, Optional<Capacity> capacity) {
    public VariantCapacity {
      Objects.requireNonNull(name, "name");
      engine = Objects.requireNonNullElse(engine, Optional.empty());
      capacity = Objects.requireNonNullElse(capacity, Optional.empty());
    }

    /** μ̂_v, requests per second, when solved. */
    public OptionalDouble stableRate() {
      return capacity.map(c -> OptionalDouble.of(c.stableRate())).orElse(OptionalDouble.empty());
    }
  }

  public MixEvaluation {
    Objects.requireNonNull(estimate, "estimate");
    variants = List.copyOf(variants);
    Objects.requireNonNull(metricsFailure, "metrics failure");
    Objects.requireNonNull(current, "current mix");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(mix, "mix");
    Objects.requireNonNull(message, "message");
    sizing = Objects.requireNonNullElse(sizing, Optional.empty());
    if (mix.size() != variants.size() || current.size() != variants.size()) {
      throw new IllegalArgumentException("mixes of " + current.size() + " and " + mix.size() + " counts for "
          + variants.size() + " variants");
    }
    stalls = stalls == null || stalls.isEmpty() ? Collections.nCopies(variants.size(), VariantStall.none()) : List.copyOf(stalls);
    if (stalls.size() != variants.size()) {
      throw new IllegalArgumentException(stalls.size() + " stalls for " + variants.size() + " variants");
    }
  }

  /** Each variant's stall by name, for the service's memory. */
  public Map<String, VariantStall> stallsByName() {
    Map<String, VariantStall> byName = new LinkedHashMap<>();
    for (int v = 0; v < variants.size(); v++) {
      byName.put(variants.get(v).name(), stalls.get(v));
    }
    return byName;
  }

  /** Whether the mix decided differs from the current one. */
  public boolean changes() {
    return !mix.equals(current);
  }

  /** A machine-readable reason in CamelCase: the decision's, or the metrics failure's when held. */
  public String reason() {
    return decision.map(d -> d.reason().machineName())
        .orElseGet(() -> metricsFailure.map(Evaluation.MetricsFailure::reason).orElse("Held"));
  }

  /** Σ n_v·c_v of {@code counts}, per hour. */
  public double costPerHour(Mix counts) {
    double total = 0;
    for (int v = 0; v < variants.size(); v++) {
      total += counts.count(v) * variants.get(v).costPerHour();
    }
    return total;
  }

  /**
   * ρ = λ̂ / Σ n_v·μ̂_v over {@code counts}: with the load spread in proportion to capacity, every
   * variant's utilisation. Empty without an estimate, an unsolved variant in use, or no capacity.
   */
  public OptionalDouble utilization(Mix counts) {
    if (estimate.isEmpty()) {
      return OptionalDouble.empty();
    }
    double capacity = 0;
    for (int v = 0; v < variants.size(); v++) {
      if (counts.count(v) > 0) {
        OptionalDouble mu = variants.get(v).stableRate();
        if (mu.isEmpty()) {
          return OptionalDouble.empty();
        }
        capacity += counts.count(v) * mu.getAsDouble();
      }
    }
    return capacity > 0 ? OptionalDouble.of(estimate.get().arrivalRate() / capacity) : OptionalDouble.empty();
  }

  /** e.g. {@code h100=2,a100=1}. */
  public String describe(Mix counts) {
    StringBuilder s = new StringBuilder();
    for (int v = 0; v < variants.size(); v++) {
      s.append(v == 0 ? "" : ",").append(variants.get(v).name()).append('=').append(counts.count(v));
    }
    return s.toString();
  }
}
