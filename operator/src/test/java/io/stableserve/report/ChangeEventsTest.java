package io.stableserve.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.api.Conditions;
import io.stableserve.api.EngineRecommendation;
import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.ScalingDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events on changes only, judged against the status the service came with. */
class ChangeEventsTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final List<String> emitted = new ArrayList<>();
  final EventRecorder recorder = (about, type, reason, message) -> emitted.add(reason);
  final InferenceService service = new InferenceService();

  ChangeEvents since(InferenceServiceStatus previous) {
    return new ChangeEvents(recorder, service, previous);
  }

  static InferenceServiceStatus withCondition(String type, boolean status, String reason) {
    InferenceServiceStatus s = new InferenceServiceStatus();
    s.setConditions(Conditions.merge(s.getConditions(), Conditions.of(type, status, reason, "m", 1L, T0)));
    return s;
  }

  @Test
  void aConditionThatIsAlreadyFalseForTheSameReasonIsNotAnnouncedAgain() {
    since(null).whenConditionTurnsFalse(Conditions.METRICS_AVAILABLE, Conditions.NO_DATA, EventRecorder.WARNING,
        Conditions.METRICS_UNAVAILABLE, "no data");
    InferenceServiceStatus noData = withCondition(Conditions.METRICS_AVAILABLE, false, Conditions.NO_DATA);
    since(noData).whenConditionTurnsFalse(Conditions.METRICS_AVAILABLE, Conditions.NO_DATA, EventRecorder.WARNING,
        Conditions.METRICS_UNAVAILABLE, "still no data");
    since(noData).whenConditionTurnsFalse(Conditions.METRICS_AVAILABLE, Conditions.STALE_METRICS, EventRecorder.WARNING,
        Conditions.METRICS_UNAVAILABLE, "now stale");
    InferenceServiceStatus found = withCondition(Conditions.METRICS_AVAILABLE, true, Conditions.METRICS_FOUND);
    since(found).whenConditionTurnsFalse(Conditions.METRICS_AVAILABLE, Conditions.NO_DATA, EventRecorder.WARNING,
        Conditions.METRICS_UNAVAILABLE, "lost again");
    assertThat(emitted).hasSize(3);
  }

  @Test
  void anInvalidSpecIsSaidOncePerGenerationAndMessage() {
    InferenceServiceStatus invalid = withCondition(Conditions.READY, false, Conditions.INVALID_SPEC);
    assertThat(since(null).saidAlready(Conditions.READY, Conditions.INVALID_SPEC, "m", 1L)).isFalse();
    assertThat(since(invalid).saidAlready(Conditions.READY, Conditions.INVALID_SPEC, "m", 1L)).isTrue();
    assertThat(since(invalid).saidAlready(Conditions.READY, Conditions.INVALID_SPEC, "m", 2L)).as("a new generation").isFalse();
    assertThat(since(invalid).saidAlready(Conditions.READY, Conditions.INVALID_SPEC, "other", 1L)).as("another message").isFalse();
    InferenceServiceStatus ready = withCondition(Conditions.READY, true, Conditions.INVALID_SPEC);
    assertThat(since(ready).saidAlready(Conditions.READY, Conditions.INVALID_SPEC, "m", 1L)).isFalse();
  }

  @Test
  void aRescaleIsAlwaysAnEvent() {
    since(null).always(EventRecorder.NORMAL, Conditions.SUCCESSFUL_RESCALE, "New size: 3");
    since(null).always(EventRecorder.NORMAL, Conditions.SUCCESSFUL_RESCALE, "New size: 3");
    assertThat(emitted).containsExactly(Conditions.SUCCESSFUL_RESCALE, Conditions.SUCCESSFUL_RESCALE);
  }

  @Test
  void aSettleWaitIsAnnouncedOnceAndARecommendationWhenItChanges() {
    since(null).whenSettlingBegins("ScaleUpSettling", "waiting");
    InferenceServiceStatus waiting = new InferenceServiceStatus();
    waiting.setScaleUpSettlingSince(T0.toString());
    since(waiting).whenSettlingBegins("ScaleUpSettling", "still waiting");
    assertThat(emitted).containsExactly("ScaleUpSettling");

    InferenceServiceStatus recommended = new InferenceServiceStatus();
    ScalingDecision last = new ScalingDecision();
    last.setTo(4);
    last.setReason("LoadAboveTarget");
    recommended.setLastDecision(last);
    since(recommended).whenRecommendationChanges(4, "LoadAboveTarget", "same");
    since(recommended).whenRecommendationChanges(5, "LoadAboveTarget", "more");
    assertThat(emitted).containsExactly("ScaleUpSettling", "LoadAboveTarget");
  }

  @Test
  void engineAdviceThatWandersWithinAQuarterIsNotAnnouncedAgain() {
    EngineRecommendation before = new EngineRecommendation();
    before.setSetting("max_num_seqs");
    before.setValue(170L);
    assertThat(ChangeEvents.sameAdvice(before, "max_num_seqs", 188)).isTrue();
    assertThat(ChangeEvents.sameAdvice(before, "max_num_seqs", 139)).isTrue();
    assertThat(ChangeEvents.sameAdvice(before, "max_num_seqs", 18)).isFalse();
    assertThat(ChangeEvents.sameAdvice(before, "max_num_seqs", 250)).isFalse();
    assertThat(ChangeEvents.sameAdvice(null, "max_num_seqs", 170)).isFalse();
    InferenceServiceStatus advised = new InferenceServiceStatus();
    advised.setEngineRecommendation(before);
    since(advised).whenAdviceChanges("max_num_seqs", 180, Conditions.ENGINE_RECOMMENDATION, "wander");
    since(advised).whenAdviceChanges("max_num_seqs", 40, Conditions.ENGINE_RECOMMENDATION, "new");
    assertThat(emitted).containsExactly(Conditions.ENGINE_RECOMMENDATION);
  }
}
