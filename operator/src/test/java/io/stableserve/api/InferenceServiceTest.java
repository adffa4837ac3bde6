package io.stableserve.api;

import io.stableserve.settings.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InferenceServiceTest {

  private static final String MINIMAL = """
      apiVersion: stableserve.io/v1alpha1
      kind: InferenceService
      metadata: {name: llama, namespace: llm}
      spec:
        scaleTargetRef: {kind: Deployment, name: llama}
        replicas: {max: 8}
        metrics:
          prometheusUrl: http://prometheus.monitoring:9090
          selector: 'namespace="llm",model_name="llama"'
      """;

  private static final String FULL = """
      apiVersion: stableserve.io/v1alpha1
      kind: InferenceService
      metadata: {name: llama, namespace: llm}
      spec:
        scaleTargetRef: {apiVersion: leaderworkerset.x-k8s.io/v1, kind: LeaderWorkerSet, name: llama-70b}
        replicas: {min: 2, max: 16}
        targetUtilization: 0.7
        model: Paper
        mode: Recommend
        engine:
          kvCacheTokens: 48000
          chunkTokens: 512
          maxNumSeqs: 24
          maxBatchedTokens: 4096
          stepTime: {baseSeconds: 0.015, secondsPerToken: 2.0e-5, secondsPerKvToken: 1.0e-7}
        metrics:
          prometheusUrl: https://thanos.monitoring:9091
          bearerTokenSecretRef: {name: prom-token, key: token}
          caSecretRef: {name: prom-ca, key: ca.crt}
          timeout: 5s
          selector: 'namespace="llm"'
          window: 10m
          queries:
            arrivals: 'sum(rate(gateway_requests_total{route="llm"}[$window]))'
        behavior:
          scaleUp: {stabilizationWindow: 30s, maxReplicasPerStep: 4}
          scaleDown: {stabilizationWindow: 10m, maxPercentPerStep: 10}
          replicaStartupTime: 8m
          pollInterval: 30s
      """;

  @Test
  void minimalSpecTakesTheDocumentedDefaults() {
    InferenceService ssvc = Serialization.unmarshal(MINIMAL, InferenceService.class);
    InferenceServiceSpec spec = ssvc.getSpec();
    assertThat(spec.effectiveTargetUtilization()).isEqualTo(0.85);
    assertThat(spec.effectiveModel()).isEqualTo(StabilityModelName.Scheduler);
    assertThat(spec.effectiveMode()).isEqualTo(Mode.Enforce);
    assertThat(spec.getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(spec.getScaleTargetRef().group()).isEqualTo("apps");
    assertThat(spec.getReplicas().effectiveMin()).isEqualTo(1);
    assertThat(spec.getMetrics().windowDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(spec.getMetrics().timeoutDuration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(spec.getMetrics().effectiveQueries().getArrivals()).isNull();
    Behavior behavior = spec.effectiveBehavior();
    assertThat(behavior.pollIntervalDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(behavior.replicaStartupDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(behavior.effectiveScaleUp().stabilizationWindowDuration()).isZero();
    assertThat(behavior.effectiveScaleDown().stabilizationWindowDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(behavior.effectiveScaleUp().maxStep(3)).isEmpty();
    assertThat(spec.effectiveEngine().isComplete()).isFalse();
    assertThat(ssvc.getStatus()).as("a new resource has no status until the operator writes one").isNull();
  }

  @Test
  void fullSpecReadsEveryField() {
    InferenceServiceSpec spec = Serialization.unmarshal(FULL, InferenceService.class).getSpec();
    assertThat(spec.getScaleTargetRef().group()).isEqualTo("leaderworkerset.x-k8s.io");
    assertThat(spec.getReplicas().clamp(40)).isEqualTo(16);
    assertThat(spec.getReplicas().clamp(0)).isEqualTo(2);
    assertThat(spec.effectiveTargetUtilization()).isEqualTo(0.7);
    assertThat(spec.effectiveModel().kind()).isEqualTo(ModelKind.PAPER);
    assertThat(spec.effectiveMode()).isEqualTo(Mode.Recommend);
    EngineSpec engine = spec.getEngine();
    assertThat(engine.isComplete()).isTrue();
    assertThat(engine.getKvCacheTokens()).isEqualTo(48_000L);
    assertThat(engine.getStepTime().toModel().stepSeconds(100, 10_000)).isCloseTo(0.015 + 0.002 + 0.001, org.assertj.core.data.Offset.offset(1e-12));
    MetricsSpec metrics = spec.getMetrics();
    assertThat(metrics.getBearerTokenSecretRef().getName()).isEqualTo("prom-token");
    assertThat(metrics.getCaSecretRef().getKey()).isEqualTo("ca.crt");
    assertThat(metrics.windowDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(metrics.effectiveQueries().getArrivals()).contains("gateway_requests_total");
    Behavior behavior = spec.getBehavior();
    assertThat(behavior.effectiveScaleUp().maxStep(3)).isEqualTo(OptionalInt.of(4));
    assertThat(behavior.effectiveScaleDown().stabilizationWindowDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(behavior.effectiveScaleDown().maxStep(35)).as("10%% of 35, rounded up").isEqualTo(OptionalInt.of(4));
    assertThat(behavior.effectiveScaleDown().maxStep(3)).as("a percentage allows at least one").isEqualTo(OptionalInt.of(1));
    assertThat(behavior.replicaStartupDuration()).isEqualTo(Duration.ofMinutes(8));
  }

  @Test
  void specSurvivesARoundTripThroughYaml() {
    InferenceService original = Serialization.unmarshal(FULL, InferenceService.class);
    InferenceService again = Serialization.unmarshal(Serialization.asYaml(original), InferenceService.class);
    assertThat(Serialization.asYaml(again)).isEqualTo(Serialization.asYaml(original));
    assertThat(Serialization.asYaml(original))
        .as("helpers are not serialized as properties")
        .doesNotContain("complete", "effective", "Duration");
  }

  @Test
  void maxStepAllowsTheLargerOfBothLimits() {
    ScaleUpRules rules = new ScaleUpRules();
    rules.setMaxReplicasPerStep(2);
    rules.setMaxPercentPerStep(50);
    assertThat(rules.maxStep(2)).isEqualTo(OptionalInt.of(2));
    assertThat(rules.maxStep(10)).isEqualTo(OptionalInt.of(5));
  }

  @Test
  void durationsParseTheSpecFormatAndNameTheFieldWhenWrong() {
    assertThat(Durations.parse("1m30s", "x")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("500ms", "x")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2h", "x")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    for (String bad : new String[] {"5", "5 m", "-5s", "1.5m", "5d", ""}) {
      assertThatThrownBy(() -> Durations.parse(bad, "metrics.window"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("metrics.window")
          .hasMessageContaining("15s, 5m, 1m30s");
    }
  }

  @Test
  void conditionKeepsItsTransitionTimeWhileItsStatusHolds() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Instant t1 = t0.plusSeconds(60);
    List<Condition> conditions = Conditions.merge(List.of(),
        Conditions.of(Conditions.STABLE, true, Conditions.BELOW_STABILITY_BOUND, "rho 0.7", 1L, t0));
    conditions = Conditions.merge(conditions,
        Conditions.of(Conditions.STABLE, true, Conditions.BELOW_STABILITY_BOUND, "rho 0.8", 2L, t1));
    assertThat(conditions).singleElement().satisfies(c -> {
      assertThat(c.getLastTransitionTime()).isEqualTo(t0.toString());
      assertThat(c.getMessage()).isEqualTo("rho 0.8");
      assertThat(c.getObservedGeneration()).isEqualTo(2L);
    });
    conditions = Conditions.merge(conditions,
        Conditions.of(Conditions.STABLE, false, Conditions.ABOVE_INSTABILITY_BOUND, "rho 1.1", 2L, t1));
    assertThat(conditions).singleElement().satisfies(c -> {
      assertThat(c.getLastTransitionTime()).isEqualTo(t1.toString());
      assertThat(c.getStatus()).isEqualTo(Conditions.FALSE);
    });
    InferenceServiceStatus status = new InferenceServiceStatus();
    status.setConditions(conditions);
    assertThat(status.isTrue(Conditions.STABLE)).isFalse();
    assertThat(status.condition(Conditions.READY)).isEmpty();
  }

  @Test
  void capacityStatusNamesTheBottleneck() {
    Capacity capacity = new Capacity(ModelKind.ITERATIVE, 2.5, 2.4, 2.6, 0.01, 1.0e5, 0.05,
        List.of(new ConstraintRate(Constraint.MEMORY, 3.0), new ConstraintRate(Constraint.SEQUENCE_CAP, 2.5)));
    CapacityStatus status = CapacityStatus.of(capacity);
    assertThat(status.getModel()).isEqualTo(StabilityModelName.Iterative);
    assertThat(status.getBottleneck()).isEqualTo("SequenceCap");
    assertThat(status.getStableRatePerReplica()).isEqualTo(2.5);
    assertThat(status.getConstraints()).extracting(ConstraintStatus::getName).containsExactly("Memory", "SequenceCap");
    for (Constraint c : Constraint.values()) {
      assertThat(ConstraintStatus.nameOf(c)).matches("[A-Z][A-Za-z]+");
    }
  }

  @Test
  void aThrashingCacheIsAMemoryBottleneckWithThePreemptionConstraintListed() {
    Capacity capacity = new Capacity(ModelKind.SCHEDULER, 0.556, 0.556, 0.556, 0.07, 3.2e5, 0.2,
        List.of(new ConstraintRate(Constraint.MEMORY, 0.667), new ConstraintRate(Constraint.COMPUTE, 1.55),
            new ConstraintRate(Constraint.SEQUENCE_CAP, 1.04), new ConstraintRate(Constraint.PREEMPTION, 0.556)));
    assertThat(capacity.bottleneck()).isEqualTo(Constraint.PREEMPTION);
    CapacityStatus status = CapacityStatus.of(capacity);
    assertThat(status.getModel()).isEqualTo(StabilityModelName.Scheduler);
    assertThat(status.getBottleneck()).isEqualTo("Memory");
    assertThat(status.getConstraints()).extracting(ConstraintStatus::getName).contains("Preemption");
  }
}
