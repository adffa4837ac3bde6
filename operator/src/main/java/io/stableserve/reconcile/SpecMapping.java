package io.stableserve.reconcile;

import io.stableserve.decide.TtftSlo;

import io.stableserve.observe.ObservationWindow;
import io.stableserve.pipeline.ServiceSettings;

import io.stableserve.api.EngineSpec;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.Mode;
import io.stableserve.api.MetricQueries;
import io.stableserve.api.MetricsSpec;
import io.stableserve.api.ScalingRules;
import io.stableserve.api.VariantSpec;
import io.stableserve.pipeline.MixSettings;
import io.stableserve.pipeline.VariantSettings;
import java.util.ArrayList;
import java.util.List;
import io.stableserve.decide.ScalingBehavior;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ScaleToZero;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StepLimit;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.observe.prometheus.PrometheusSource;
import io.stableserve.observe.Signal;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** From the InferenceService spec to the stages' own inputs. Pure; bad values fail with the field's name. */
final class SpecMapping {

  private SpecMapping() {}

  /** The pipeline's settings for a service: its model, engine and policy. */
  static ServiceSettings settings(InferenceServiceSpec spec) {
    return new ServiceSettings(spec.effectiveModel().kind(), engine(spec), policy(spec), window(spec.getMetrics()));
  }

  /** The pipeline's settings for a service of several variants. */
  static MixSettings mixSettings(InferenceServiceSpec spec) {
    if (spec.effectiveMode() == Mode.Metric) {
      throw new IllegalArgumentException("spec.mode Metric exports one replica count, and a service with spec.variants "
          + "decides a mix of several: use mode Enforce or Recommend with variants, or one scaleTargetRef with Metric");
    }
    List<VariantSettings> variants = new ArrayList<>();
    for (int i = 0; i < spec.getVariants().size(); i++) {
      VariantSpec v = spec.getVariants().get(i);
      String field = "spec.variants[" + i + "]";
      if (v.getName() == null || v.getScaleTargetRef() == null || v.getCostPerHour() == null || v.getReplicas() == null
          || v.getReplicas().getMax() == null) {
        throw new IllegalArgumentException(field + " needs a name, scaleTargetRef, costPerHour and replicas.max");
      }
      try {
        variants.add(new VariantSettings(v.getName(), engine(v.effectiveEngine()), v.getCostPerHour(),
            v.getReplicas().effectiveMin(), v.getReplicas().getMax()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
      }
    }
    return new MixSettings(spec.effectiveModel().kind(), spec.effectiveTargetUtilization(), behavior(spec), slo(spec),
        window(spec.getMetrics()), variants);
  }

  static ScalingPolicy policy(InferenceServiceSpec spec) {
    ScalingBehavior behavior = behavior(spec);
    if (spec.getReplicas() == null || spec.getReplicas().getMax() == null) {
      throw new IllegalArgumentException("spec.replicas.max is required");
    }
    int min = spec.getReplicas().effectiveMin();
    if (min == 0 && spec.getScaleToZero() == null) {
      throw new IllegalArgumentException("replicas.min 0 needs spec.scaleToZero, the idle rule that says when the service "
          + "goes to zero, e.g. scaleToZero: {idleAfter: 10m}; or set replicas.min to 1 or more");
    }
    if (min > 0 && spec.getScaleToZero() != null) {
      throw new IllegalArgumentException("spec.scaleToZero needs replicas.min: 0; remove it or set replicas.min to 0");
    }
    Optional<ScaleToZero> zero = Optional.ofNullable(spec.getScaleToZero()).map(z -> new ScaleToZero(z.idleAfterDuration()));
    if (zero.isPresent() && (spec.getMetrics() == null || spec.getMetrics().effectiveQueries().getGatewayQueue() == null)) {
      throw new IllegalArgumentException("spec.scaleToZero needs metrics.queries.gatewayQueue, the requests a gateway holds "
          + "while no replica serves: at zero there is no vLLM metric, and without it nothing would see a request arrive");
    }
    return new ScalingPolicy(new ReplicaRange(min, spec.getReplicas().getMax()),
        spec.effectiveTargetUtilization(), behavior, slo(spec), zero);
  }

  private static Optional<TtftSlo> slo(InferenceServiceSpec spec) {
    return spec.getSlo() == null || spec.getSlo().getTtft() == null ? Optional.empty()
        : Optional.of(spec.getSlo().getTtft().toSlo());
  }

  private static ScalingBehavior behavior(InferenceServiceSpec spec) {
    io.stableserve.api.Behavior b = spec.effectiveBehavior();
    return new ScalingBehavior(
        b.effectiveScaleUp().stabilizationWindowDuration(),
        b.effectiveScaleDown().stabilizationWindowDuration(),
        stepLimit(b.effectiveScaleUp()),
        stepLimit(b.effectiveScaleDown()),
        b.replicaStartupDuration(),
        ScalingBehavior.DEFAULT_CONFIDENCE,
        b.effectiveScaleUp().settleTimeDuration(),
        b.pollIntervalDuration());
  }

  private static StepLimit stepLimit(ScalingRules rules) {
    return new StepLimit(
        rules.getMaxReplicasPerStep() == null ? 0 : rules.getMaxReplicasPerStep(),
        rules.getMaxPercentPerStep() == null ? 0 : rules.getMaxPercentPerStep());
  }

  static EngineSettings engine(InferenceServiceSpec spec) {
    return engine(spec.effectiveEngine());
  }

  private static EngineSettings engine(EngineSpec e) {
    return new EngineSettings(
        e.getKvCacheTokens() == null ? OptionalLong.empty() : OptionalLong.of(e.getKvCacheTokens()),
        e.getChunkTokens() == null ? OptionalInt.empty() : OptionalInt.of(e.getChunkTokens()),
        e.getMaxNumSeqs() == null ? OptionalInt.empty() : OptionalInt.of(e.getMaxNumSeqs()),
        e.getMaxBatchedTokens() == null ? OptionalInt.empty() : OptionalInt.of(e.getMaxBatchedTokens()),
        e.getStepTime() == null ? Optional.empty() : Optional.of(e.getStepTime().toModel()));
  }

  /** The window the service is observed over. */
  static ObservationWindow window(MetricsSpec m) {
    if (m == null) {
      throw new IllegalArgumentException("spec.metrics is required");
    }
    return ObservationWindow.of(m.windowDuration());
  }

  /**
   * Where the service's metrics are read.
   *
   * @param bearerToken the token read from {@code metrics.bearerTokenSecretRef}, if named
   * @param caPem the CA read from {@code metrics.caSecretRef}, if named
   */
  static PrometheusSource source(MetricsSpec m, Optional<String> bearerToken, Optional<String> caPem) {
    if (m == null) {
      throw new IllegalArgumentException("spec.metrics is required");
    }
    URI url;
    try {
      url = URI.create(m.getPrometheusUrl());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("spec.metrics.prometheusUrl '" + m.getPrometheusUrl() + "' is not a URL", e);
    }
    return new PrometheusSource(url, bearerToken, caPem, m.timeoutDuration(), m.getSelector(), null,
        overrides(m.effectiveQueries()));
  }

  static Map<Signal, String> overrides(MetricQueries q) {
    Map<Signal, String> out = new EnumMap<>(Signal.class);
    q.bySignal().forEach((signal, promql) -> out.put(Signal.parse(signal), promql));
    return out;
  }
}
