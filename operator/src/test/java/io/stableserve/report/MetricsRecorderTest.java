package io.stableserve.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.api.Conditions;
import io.stableserve.api.OperatorMetrics;
import io.stableserve.decide.ArrivalRate;
import io.stableserve.decide.Decision;
import io.stableserve.decide.LoadReading;
import io.stableserve.decide.Mix;
import io.stableserve.decide.VariantStall;
import io.stableserve.pipeline.MixEvaluation;
import io.stableserve.decide.StabilizationState;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MetricsRecorderTest {

  static final Capacity TWO_CONSTRAINTS = new Capacity(ModelKind.PAPER, 2.0, 1.8, 2.0, 0.1, 1000, 0.03,
      List.of(new ConstraintRate(Constraint.MEMORY, 2.0), new ConstraintRate(Constraint.COMPUTE, 3.0)));
  static final List<String> MEASURED = List.of(OperatorMetrics.ARRIVAL_RATE, OperatorMetrics.STABLE_RATE_PER_REPLICA,
      OperatorMetrics.CONSTRAINT_RATE, OperatorMetrics.BOTTLENECK, OperatorMetrics.UTILIZATION, OperatorMetrics.PREEMPTION_RATE,
      OperatorMetrics.STABLE);

  final PrometheusRegistry registry = new PrometheusRegistry();
  final MetricsRecorder metrics = new MetricsRecorder(registry);

  @Test
  void figuresOfAServiceWhoseMetricsAreUnavailableAreRemovedNotKept() {
    measured("llm", "a", 4.2, TWO_CONSTRAINTS);
    assertThat(series("a")).as("a measured decision exports every figure")
        .anyMatch(line -> line.startsWith(OperatorMetrics.ARRIVAL_RATE + "{") && line.endsWith(" 4.2"))
        .anyMatch(line -> line.startsWith(OperatorMetrics.STABLE_RATE_PER_REPLICA + "{") && line.endsWith(" 2.0"))
        .anyMatch(line -> line.startsWith(OperatorMetrics.CONSTRAINT_RATE + "{constraint=\"Compute\""))
        .anyMatch(line -> line.startsWith(OperatorMetrics.PREEMPTION_RATE + "{"));

    unavailable("llm", "a");
    assertThat(series("a")).as("after a decision without metrics")
        .noneMatch(line -> MEASURED.stream().anyMatch(metric -> line.startsWith(metric + "{")))
        .contains(OperatorMetrics.METRICS_AVAILABLE + "{name=\"a\",namespace=\"llm\"} 0.0",
            OperatorMetrics.REPLICAS + "{name=\"a\",namespace=\"llm\"} 2.0")
        .noneMatch(line -> line.endsWith(" NaN"));
  }

  @Test
  void aConstraintTheCapacityNoLongerHasLosesItsSeries() {
    measured("llm", "a", 4.2, TWO_CONSTRAINTS);
    measured("llm", "a", 4.2, StatusReportTest.CAPACITY);
    assertThat(series("a")).filteredOn(line -> line.startsWith(OperatorMetrics.CONSTRAINT_RATE + "{")
            || line.startsWith(OperatorMetrics.BOTTLENECK + "{"))
        .hasSize(2).allMatch(line -> line.contains("constraint=\"Memory\""));
  }

  @Test
  void forgettingAServiceRemovesEachOfItsSeriesAndNoOther() {
    measured("llm", "a", 4.2, TWO_CONSTRAINTS);
    measured("llm", "b", 4.2, TWO_CONSTRAINTS);
    measured("other", "a", 4.2, TWO_CONSTRAINTS);
    metrics.reconciled(true, 0.1);
    assertThat(series("a")).anyMatch(line -> line.startsWith(OperatorMetrics.SCALING_DECISIONS + "{"));

    metrics.forget("llm", "a");
    assertThat(scrape()).noneMatch(line -> line.contains("name=\"a\",namespace=\"llm\""))
        .anyMatch(line -> line.contains("name=\"b\",namespace=\"llm\""))
        .anyMatch(line -> line.contains("name=\"a\",namespace=\"other\""))
        .anyMatch(line -> line.startsWith(OperatorMetrics.RECONCILIATIONS + "{result=\"success\"}"));
  }

  @Test
  void aMixExportsItsCostAndEachVariantAndLosesTheSeriesOfAVariantItNoLongerHas() {
    Capacity h100 = TWO_CONSTRAINTS;
    MixEvaluation.VariantCapacity fast = new MixEvaluation.VariantCapacity("h100", 4.0, Optional.empty(), Optional.of(h100));
    MixEvaluation.VariantCapacity slow = new MixEvaluation.VariantCapacity("a100", 1.8, Optional.empty(), Optional.empty());
    VariantStall stalled = new VariantStall(Optional.empty(), 0, Optional.of(StatusReportTest.T0));
    metrics.mixDecided("llm", "m", new MixEvaluation(Optional.empty(), List.of(fast, slow), Optional.empty(), Mix.of(1, 3),
        Optional.empty(), Mix.of(2, 1), "grown", Optional.empty(), List.of(VariantStall.none(), stalled)));

    assertThat(series("m")).contains(
        OperatorMetrics.COST_PER_HOUR + "{name=\"m\",namespace=\"llm\"} 9.8",
        OperatorMetrics.REPLICAS + "{name=\"m\",namespace=\"llm\"} 4.0",
        OperatorMetrics.DESIRED_REPLICAS + "{name=\"m\",namespace=\"llm\"} 3.0",
        OperatorMetrics.VARIANT_REPLICAS + "{name=\"m\",namespace=\"llm\",variant=\"a100\"} 3.0",
        OperatorMetrics.VARIANT_DESIRED_REPLICAS + "{name=\"m\",namespace=\"llm\",variant=\"h100\"} 2.0",
        OperatorMetrics.VARIANT_STABLE_RATE_PER_REPLICA + "{name=\"m\",namespace=\"llm\",variant=\"h100\"} 2.0",
        OperatorMetrics.VARIANT_STALLED + "{name=\"m\",namespace=\"llm\",variant=\"a100\"} 1.0",
        OperatorMetrics.VARIANT_STALLED + "{name=\"m\",namespace=\"llm\",variant=\"h100\"} 0.0",
        OperatorMetrics.SCALING_DECISIONS + "{direction=\"up\",name=\"m\",namespace=\"llm\",reason=\"Held\"} 1.0")
        .as("no μ̂ of the a100, which was not solved; no one-type figure")
        .noneMatch(line -> line.startsWith(OperatorMetrics.VARIANT_STABLE_RATE_PER_REPLICA + "{") && line.contains("a100"))
        .noneMatch(line -> line.startsWith(OperatorMetrics.STABLE_RATE_PER_REPLICA + "{"));

    // The a100 leaves the spec: its series go, the h100's stay.
    metrics.mixDecided("llm", "m", new MixEvaluation(Optional.empty(), List.of(fast), Optional.empty(), Mix.of(2), Optional.empty(),
        Mix.of(2), "held", Optional.empty(), List.of()));
    assertThat(series("m")).noneMatch(line -> line.contains("variant=\"a100\""))
        .anyMatch(line -> line.contains("variant=\"h100\""));

    // Back to one target: no mix series is left.
    measured("llm", "m", 4.2, TWO_CONSTRAINTS);
    assertThat(series("m")).noneMatch(line -> OperatorMetrics.MIX.stream().anyMatch(metric -> line.startsWith(metric + "{")));
  }

  /** A decision on λ with 2 replicas at target 0.8: more than 2 replicas' worth scales up. */
  void measured(String namespace, String name, double lambda, Capacity capacity) {
    Decision d = StatusReportTest.POLICY.decide(StatusReportTest.T0, LoadReading.measured(ArrivalRate.exact(lambda), capacity),
        StatusReportTest.TARGET.replicas(), StabilizationState.empty());
    metrics.decided(namespace, name, 0.8, d, true, OptionalDouble.of(lambda), capacity, OptionalDouble.of(0.5));
  }

  void unavailable(String namespace, String name) {
    Decision d = StatusReportTest.POLICY.decide(StatusReportTest.T0, LoadReading.unavailable(Conditions.PROMETHEUS_UNREACHABLE,
        "connection refused"), StatusReportTest.TARGET.replicas(), StabilizationState.empty());
    metrics.decided(namespace, name, 0.8, d, false, OptionalDouble.empty(), null, OptionalDouble.empty());
  }

  /** The sample lines of service {@code llm/name}. */
  List<String> series(String name) {
    return scrape().stream().filter(line -> line.contains("name=\"" + name + "\",namespace=\"llm\"")).toList();
  }

  List<String> scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (Stream<String> lines = out.toString(StandardCharsets.UTF_8).lines()) {
      return lines.filter(line -> !line.startsWith("#")).toList();
    }
  }
}
