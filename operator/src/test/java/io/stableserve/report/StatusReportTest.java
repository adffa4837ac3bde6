package io.stableserve.report;

import io.stableserve.testing.Behaviors;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.stableserve.actuate.ScaleTarget;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.Mode;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.decide.ArrivalRate;
import io.stableserve.decide.Decision;
import io.stableserve.decide.LoadReading;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StabilizationState;
import io.stableserve.correct.CapacitySource;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import io.stableserve.api.ObservedWorkload;
import io.stableserve.decide.StartupTime;
import io.stableserve.observe.GatewayReading;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class StatusReportTest {

  static final Capacity CAPACITY = new Capacity(ModelKind.PAPER, 2.0, 1.8, 2.0, 0.1, 1000, 0.03,
      List.of(new ConstraintRate(Constraint.MEMORY, 2.0)));
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final ScalingPolicy POLICY = new ScalingPolicy(new ReplicaRange(1, 10), 0.8, Behaviors.immediate());
  static final ScaleTarget TARGET = new ScaleTarget("llm", new ScaleTargetRef("apps/v1", "Deployment", "vllm"),
      ReplicaCounts.allReady(2));

  static Evaluation measured(double lambda, Instant at, StabilizationState state) {
    Decision d = POLICY.decide(at, LoadReading.measured(ArrivalRate.exact(lambda), CAPACITY), TARGET.replicas(), state);
    CorrectedCapacity c = new CorrectedCapacity(CAPACITY, CAPACITY, 1, CapacitySource.MODEL, "no preemptions");
    return new Evaluation(Optional.empty(), Optional.empty(), Optional.of(c), Optional.empty(), d, Optional.empty());
  }

  @Test
  void conditionsFollowTheDecisionAndKeepTheirTransitionTimeWhileUnchanged() {
    InferenceServiceStatus status = StatusReport.begin(null, 1L);
    Evaluation first = measured(4.2, T0, StabilizationState.empty());
    StatusReport.evaluated(status, TARGET, first, true, Mode.Enforce, 1L, T0);
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getLastDecision().getFrom()).isEqualTo(2);
    assertThat(status.getLastDecision().getApplied()).isTrue();
    assertThat(status.getUtilization()).as("no estimate, no utilisation").isNull();
    assertThat(condition(status, Conditions.STABLE).getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(condition(status, Conditions.STABLE).getReason()).isEqualTo(Conditions.ABOVE_INSTABILITY_BOUND);
    assertThat(condition(status, Conditions.READY).getReason()).isEqualTo(Conditions.RECONCILED);
    assertThat(condition(status, Conditions.SCALING_LIMITED).getStatus()).isEqualTo(Conditions.FALSE);

    InferenceServiceStatus next = StatusReport.begin(status, 1L);
    Instant later = T0.plusSeconds(15);
    StatusReport.evaluated(next, TARGET, measured(3.7, later, first.decision().state()), false, Mode.Recommend, 1L, later);
    assertThat(condition(next, Conditions.STABLE).getStatus()).isEqualTo(Conditions.TRUE);
    assertThat(condition(next, Conditions.STABLE).getReason()).isEqualTo(Conditions.BETWEEN_BOUNDS);
    assertThat(condition(next, Conditions.STABLE).getLastTransitionTime()).isEqualTo(later.toString());
    assertThat(condition(next, Conditions.TARGET_RESOLVED).getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(condition(next, Conditions.READY).getReason()).isEqualTo(Conditions.RECOMMENDING);
  }

  @Test
  void withNoReplicaServingTheArrivalRateShownIsTheGatewaysNotTheLastWindowsWithReplicas() {
    InferenceServiceStatus status = StatusReport.begin(null, 1L);
    ObservedWorkload before = new ObservedWorkload();
    before.setArrivalRate(42.0);
    before.setPromptTokensMean(500.0);
    status.setWorkload(before);
    Decision d = measured(0.2, T0, StabilizationState.empty()).decision();
    Evaluation atZero = new Evaluation(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), d, Optional.empty(),
        Optional.empty(), StartupTime.none(), Optional.of(new GatewayReading(3, OptionalDouble.of(0.2))));
    StatusReport.evaluated(status, TARGET, atZero, false, Mode.Enforce, 1L, T0);
    assertThat(status.getWorkload().getArrivalRate()).isEqualTo(0.2);
    assertThat(status.getWorkload().getPromptTokensMean()).as("no request lengths read at zero").isNull();
    assertThat(status.getWorkload().getObservedAt()).isEqualTo(T0.toString());

    Evaluation unread = new Evaluation(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), d, Optional.empty(),
        Optional.empty(), StartupTime.none(), Optional.of(new GatewayReading(3, OptionalDouble.empty())));
    StatusReport.evaluated(status, TARGET, unread, false, Mode.Enforce, 1L, T0);
    assertThat(status.getWorkload().getArrivalRate()).as("the gateway's rate not read: none shown").isNull();
  }

  @Test
  void metricModeSaysTheCountIsExportedAndNotWritten() {
    InferenceServiceStatus status = StatusReport.begin(null, 1L);
    Evaluation e = measured(4.2, T0, StabilizationState.empty());
    StatusReport.evaluated(status, TARGET, e, false, Mode.Metric, 1L, T0);
    assertThat(status.getDesiredReplicas()).isEqualTo(e.decision().desiredReplicas()).isGreaterThan(2);
    assertThat(status.getLastDecision().getApplied()).isFalse();
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo(Conditions.TRUE);
    assertThat(condition(status, Conditions.READY).getReason()).isEqualTo(Conditions.EXPORTING_METRIC);
    assertThat(condition(status, Conditions.READY).getMessage())
        .startsWith("exporting the count as stableserve_desired_replicas (never writes /scale): ");
  }

  @Test
  void metricsFailureMakesReadyFalseWithItsReasonAndStableUnknown() {
    Evaluation.MetricsFailure failure = new Evaluation.MetricsFailure(Conditions.STALE_METRICS, "newest sample 5m old");
    Decision d = POLICY.decide(T0, LoadReading.unavailable(failure.reason(), failure.message()), TARGET.replicas(),
        StabilizationState.empty());
    InferenceServiceStatus status = StatusReport.begin(null, 1L);
    StatusReport.evaluated(status, TARGET, new Evaluation(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(failure), d, Optional.empty()), false, Mode.Enforce, 1L, T0);
    assertThat(condition(status, Conditions.METRICS_AVAILABLE).getReason()).isEqualTo(Conditions.STALE_METRICS);
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(condition(status, Conditions.READY).getReason()).isEqualTo(Conditions.STALE_METRICS);
    assertThat(condition(status, Conditions.STABLE).getStatus()).isEqualTo(Conditions.UNKNOWN);
    assertThat(status.getDesiredReplicas()).isEqualTo(2);
  }

  private static Condition condition(InferenceServiceStatus s, String type) {
    return s.condition(type).orElseThrow();
  }
}
