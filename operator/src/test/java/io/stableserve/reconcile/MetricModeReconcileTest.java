package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.stableserve.api.Conditions;
import io.stableserve.api.InferenceService;
import io.stableserve.api.Mode;
import io.stableserve.bench.ServiceLoop;
import io.stableserve.observe.Observation;
import io.stableserve.report.MetricsRecorder;
import io.stableserve.testing.Contexts;
import io.stableserve.testing.FixedTargets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pass in Metric mode: the count exported, never written, and decided from the count exported last. */
class MetricModeReconcileTest {

  record Recorded(String reason, String message) {}

  final List<Recorded> events = new ArrayList<>();
  final List<Integer> writes = new ArrayList<>();
  final PrometheusRegistry registry = new PrometheusRegistry();
  final ServiceLoop.Service loop = ServiceLoop.create(4, 11).services().get(0);
  final Observation recorded = ServiceLoop.observation(loop, SameDecisionTest.NOW);

  InferenceServiceReconciler reconciler() {
    // The target stays at MAX replicas: nothing applies the exported count in this test.
    return new InferenceServiceReconciler(FixedTargets.at(SameDecisionTest.MAX, writes::add), source -> window -> recorded,
        (ns, ref) -> "", (about, type, reason, message) -> events.add(new Recorded(reason, message)),
        new MetricsRecorder(registry), EngineAdvisor.none(), (s, context) -> {},
        Clock.fixed(SameDecisionTest.NOW, ZoneOffset.UTC));
  }

  InferenceService service() {
    InferenceService s = new InferenceService();
    s.getMetadata().setName("llama");
    s.getMetadata().setNamespace("llm");
    s.getMetadata().setGeneration(1L);
    s.setSpec(SameDecisionTest.spec(ServiceLoop.engineOf(loop)));
    s.getSpec().setMode(Mode.Metric);
    return s;
  }

  /** The gauge stableserve_desired_replicas of llm/llama, as the operator's /metrics shows it. */
  double exported() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String line = out.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("stableserve_desired_replicas{name=\"llama\",namespace=\"llm\"} ")).findFirst().orElseThrow();
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  @Test
  void theCountIsExportedAndInStatusAndNeverWrittenAndTheNextPassStartsFromIt() {
    InferenceServiceReconciler r = reconciler();
    InferenceService s = service();
    r.reconcile(s, Contexts.notDeleted());
    int exported = s.getStatus().getDesiredReplicas();
    assertThat(exported).as("the decision asked for a new count").isNotEqualTo(SameDecisionTest.MAX);
    assertThat(exported()).isEqualTo(exported);
    assertThat(s.getStatus().getLastDecision().getFrom()).isEqualTo(SameDecisionTest.MAX);
    assertThat(s.getStatus().getLastDecision().getApplied()).isFalse();
    assertThat(s.getStatus().condition(Conditions.READY).orElseThrow().getReason()).isEqualTo(Conditions.EXPORTING_METRIC);
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(s.getStatus().getLastDecision().getReason());
      assertThat(e.message()).startsWith("Metric mode, /scale not written, " + exported
          + " exported as stableserve_desired_replicas{namespace=\"llm\",name=\"llama\"}: ");
    });

    // The target has not followed yet: the next pass decides from the count exported, so it neither
    // announces it again nor, holding, exports the target's old count.
    r.reconcile(s, Contexts.notDeleted());
    assertThat(s.getStatus().getLastDecision().getFrom()).isEqualTo(exported);
    assertThat(s.getStatus().getDesiredReplicas()).isEqualTo(exported);
    assertThat(s.getStatus().getReplicas()).as("the target's own count").isEqualTo(SameDecisionTest.MAX);
    assertThat(exported()).isEqualTo(exported);
    assertThat(events).hasSize(1);
    assertThat(writes).isEmpty();
  }
}
