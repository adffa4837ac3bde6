package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.PreemptionCorrection;
import io.stableserve.api.Recommendation;
import io.stableserve.api.TtftStatus;
import io.stableserve.api.VariantStatus;
import io.stableserve.correct.CapacityCorrection;
import io.stableserve.correct.CapacitySource;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.decide.ArrivalRate;
import io.stableserve.decide.Decision;
import io.stableserve.decide.LoadReading;
import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.RecommendedCount;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ScaleToZero;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.StabilizationState;
import io.stableserve.decide.StartupTime;
import io.stableserve.decide.VariantStall;
import io.stableserve.pipeline.Evaluation;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import io.stableserve.testing.Behaviors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pipeline's memory kept in the InferenceService's status. */
class StatusStateStoreTest {

  static final Capacity CAPACITY = new Capacity(ModelKind.PAPER, 2.0, 1.8, 2.0, 0.1, 1000, 0.03,
      List.of(new ConstraintRate(Constraint.MEMORY, 2.0)));
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final ScalingPolicy POLICY = new ScalingPolicy(new ReplicaRange(1, 10), 0.8, Behaviors.immediate());

  final StatusStateStore store = new StatusStateStore();

  static Evaluation measured(double lambda, Instant at, ServiceMemory memory) {
    Decision d = POLICY.decide(at, LoadReading.measured(ArrivalRate.exact(lambda), CAPACITY), ReplicaCounts.allReady(2),
        memory.stabilization());
    CorrectedCapacity c = new CorrectedCapacity(CAPACITY, CAPACITY, 1, CapacitySource.MODEL, "no preemptions");
    return new Evaluation(Optional.empty(), Optional.empty(), Optional.of(c), Optional.empty(), d, Optional.empty());
  }

  @Test
  void aNewServiceHasNoMemory() {
    assertThat(store.load(new InferenceService())).isEqualTo(ServiceMemory.empty());
  }

  @Test
  void theMemorySurvivesTheRoundTripThroughStatus() {
    InferenceService service = new InferenceService();
    Evaluation first = measured(6, T0, ServiceMemory.empty());
    ServiceMemory after = ServiceMemory.empty().after(first, true, T0);
    store.store(service, after);
    assertThat(store.load(service)).isEqualTo(after);
    assertThat(service.getStatus().getLastScaleTime()).isEqualTo(T0.toString());
    assertThat(service.getStatus().getLastScaleUpTime()).isEqualTo(T0.toString());
    assertThat(store.load(service).stabilization().lastScaleUp()).contains(T0);
    assertThat(store.load(service).stabilization().recommendations()).extracting(r -> r.replicas()).containsExactly(4);
  }

  @Test
  void whatGoingToZeroRemembersSurvivesTheRoundTripAndAnUnwrittenWakeIsForgotten() {
    ScalingPolicy zero = new ScalingPolicy(new ReplicaRange(0, 10), 0.8, Behaviors.immediate(), Optional.empty(),
        Optional.of(new ScaleToZero(Duration.ofMinutes(1))));
    Decision measured = zero.decide(T0, LoadReading.measured(ArrivalRate.exact(1), CAPACITY), ReplicaCounts.allReady(1),
        StabilizationState.empty());
    Decision idle = zero.decide(T0.plusSeconds(60), LoadReading.idle(Duration.ofSeconds(30), true), ReplicaCounts.allReady(1),
        measured.state());
    InferenceService service = new InferenceService();
    ServiceMemory afterIdle = ServiceMemory.empty().after(held(idle), false, T0.plusSeconds(60));
    store.store(service, afterIdle);
    assertThat(service.getStatus().getScaleToZero().getIdleSince()).isEqualTo(T0.plusSeconds(30).toString());
    assertThat(service.getStatus().getScaleToZero().getStableRatePerReplica()).isEqualTo(2.0);
    assertThat(store.load(service)).isEqualTo(afterIdle);

    Decision wake = zero.decide(T0.plusSeconds(600), LoadReading.held(4, java.util.OptionalDouble.empty()), ReplicaCounts.allReady(0),
        afterIdle.stabilization());
    assertThat(ServiceMemory.empty().after(held(wake), false, T0).stabilization().zero().wokeAt())
        .as("a wake not written is no cold start").isEmpty();
    ServiceMemory woke = afterIdle.after(held(wake), true, T0.plusSeconds(600));
    Decision ready = zero.decide(T0.plusMillis(612_500), LoadReading.unavailable("PartialWindow", "young"), new ReplicaCounts(1, 1),
        woke.stabilization());
    ServiceMemory served = woke.after(held(ready), false, T0.plusMillis(612_500));
    store.store(service, served);
    assertThat(service.getStatus().getScaleToZero().getWokeAt()).as("a replica serves: the wake is over").isNull();
    assertThat(store.load(service)).isEqualTo(served);
  }

  private static Evaluation held(Decision d) {
    return new Evaluation(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), d, Optional.empty());
  }

  @Test
  void aDecisionNotWrittenLeavesTheScaleTimesAsTheyWere() {
    InferenceService service = new InferenceService();
    ServiceMemory before = ServiceMemory.empty().after(measured(6, T0, ServiceMemory.empty()), true, T0);
    Instant later = T0.plusSeconds(15);
    store.store(service, before.after(measured(9, later, before), false, later));
    assertThat(service.getStatus().getLastScaleTime()).as("not applied: the last scale time stays").isEqualTo(T0.toString());
    assertThat(service.getStatus().getLastScaleUpTime()).isEqualTo(T0.toString());
  }

  @Test
  void theTtftFactorLearnedSurvivesTheRoundTripAndAPassThatReportsNoTtft() {
    InferenceService service = new InferenceService();
    ServiceMemory learned = new ServiceMemory(StabilizationState.empty(), Optional.empty(), Optional.empty(), 2.5);
    store.store(service, learned);
    assertThat(store.load(service).ttftFactor()).isEqualTo(2.5);
    // a held pass (metrics unavailable) reports no TTFT figures
    service.getStatus().setTtft(null);
    store.store(service, store.load(service));
    assertThat(store.load(service).ttftFactor()).isEqualTo(1.0);
    store.store(service, learned);
    service.getStatus().setTtft(null);
    store.store(service, learned);
    assertThat(store.load(service).ttftFactor()).as("written back by the store itself").isEqualTo(2.5);
    TtftStatus outOfRange = new TtftStatus();
    outOfRange.setCalibrationFactor(1e6);
    service.getStatus().setTtft(outOfRange);
    assertThat(store.load(service).ttftFactor()).as("a factor outside its bounds is not trusted").isEqualTo(1.0);
  }

  @Test
  void theStartupTimeMeasuredAndTheScaleUpBeingTimedSurviveTheRoundTrip() {
    InferenceService service = new InferenceService();
    StartupTime startup = new StartupTime(Optional.of(java.time.Duration.ofMillis(97_500)), Optional.of(T0),
        Optional.of(new StartupTime.PendingScaleUp(T0.plusSeconds(60), 7)));
    store.store(service, new ServiceMemory(StabilizationState.empty(), Optional.empty(), Optional.empty(), 1, startup));
    assertThat(store.load(service).startup()).isEqualTo(startup);
    assertThat(service.getStatus().getStartup().getMeasuredSeconds()).isEqualTo(97.5);
    assertThat(service.getStatus().getStartup().getTimingReplicas()).isEqualTo(7);

    StartupTime done = startup.observe(7, 7, T0.plusSeconds(155), java.time.Duration.ofSeconds(10));
    store.store(service, new ServiceMemory(StabilizationState.empty(), Optional.empty(), Optional.empty(), 1, done));
    assertThat(store.load(service).startup().measured()).contains(java.time.Duration.ofSeconds(90));
    assertThat(service.getStatus().getStartup().getTimingSince()).as("nothing being timed").isNull();

    service.getStatus().getStartup().setTimingSince("not a time");
    service.getStatus().getStartup().setTimingReplicas(3);
    assertThat(store.load(service).startup().pending()).as("unreadable: left out, not fatal").isEmpty();
  }

  @Test
  void eachVariantsStallSurvivesTheRoundTripThroughItsVariantStatus() {
    InferenceService service = new InferenceService();
    InferenceServiceStatus status = new InferenceServiceStatus();
    List<VariantStatus> variants = new ArrayList<>();
    for (String name : List.of("h100", "a100", "l40s")) {
      VariantStatus v = new VariantStatus();
      v.setName(name);
      variants.add(v);
    }
    status.setVariants(variants);
    service.setStatus(status);
    VariantStall waiting = new VariantStall(Optional.of(T0), 3, Optional.empty());
    VariantStall stalled = new VariantStall(Optional.empty(), 0, Optional.of(T0.plusSeconds(240)));
    VariantStall probing = new VariantStall(Optional.empty(), 2, Optional.empty(), Optional.of(T0.plusSeconds(60)));
    store.store(service, ServiceMemory.empty().withVariantStalls(Map.of("h100", waiting, "a100", stalled, "l40s", probing)));

    assertThat(variants.get(0).getWaitingSince()).isEqualTo(T0.toString());
    assertThat(variants.get(0).getReadyWhenWaitingBegan()).isEqualTo(3);
    assertThat(variants.get(1).getStalledSince()).isEqualTo(T0.plusSeconds(240).toString());
    assertThat(variants.get(2).getWaitingSince()).isNull();
    assertThat(variants.get(2).getProbingSince()).isEqualTo(T0.plusSeconds(60).toString());
    assertThat(variants.get(2).getReadyWhenWaitingBegan()).isEqualTo(2);
    assertThat(store.load(service).variantStalls()).isEqualTo(Map.of("h100", waiting, "a100", stalled, "l40s", probing));

    variants.get(1).setStalledSince("not a time");
    assertThat(store.load(service).variantStalls()).as("unreadable: left out, not fatal").containsOnlyKeys("h100", "l40s");
  }

  @Test
  void aRememberedCorrectionIsReadBackFromStatus() {
    PreemptionCorrection p = new PreemptionCorrection();
    p.setApplied(true);
    p.setModelStableRate(4.0);
    p.setCorrectedStableRate(3.0);
    p.setMeasuredAt(T0.toString());
    InferenceServiceStatus status = new InferenceServiceStatus();
    status.setPreemption(p);
    // written without the model's rate at measurement: the present model's stands in
    assertThat(StatusStateStore.correction(status)).contains(new CapacityCorrection.Measured(0.75, T0, 4.0));
    p.setMeasuredModelStableRate(5.0);
    assertThat(StatusStateStore.correction(status)).contains(new CapacityCorrection.Measured(0.75, T0, 5.0));
    p.setApplied(false);
    assertThat(StatusStateStore.correction(status)).isEmpty();
    assertThat(StatusStateStore.correction(null)).isEmpty();
  }

  @Test
  void theReplicasForTheArrivalsBesideADrainSurviveTheRoundTrip() {
    InferenceServiceStatus status = new InferenceServiceStatus();
    StabilizationState state = new StabilizationState(List.of(new RecommendedCount(T0, 9, 4), new RecommendedCount(T0.plusSeconds(15), 4)),
        Optional.empty());
    InferenceService service = new InferenceService();
    store.store(service, new ServiceMemory(state, Optional.empty(), Optional.empty()));
    assertThat(service.getStatus().getRecommendations()).extracting(Recommendation::getForArrivals).containsExactly(4, null);
    assertThat(store.load(service).stabilization().recommendations()).containsExactlyElementsOf(state.recommendations());

    status.setRecommendations(List.of(new Recommendation(T0.toString(), 3, 5)));
    assertThat(StatusStateStore.stabilization(status).recommendations()).as("more for the arrivals than recommended: read as all of it")
        .containsExactly(new RecommendedCount(T0, 3));
  }

  @Test
  void unreadableRecommendationsInStatusAreSkippedNotFatal() {
    InferenceServiceStatus status = new InferenceServiceStatus();
    status.setRecommendations(List.of(new Recommendation("not a time", 3), new Recommendation(T0.toString(), 2)));
    assertThat(StatusStateStore.stabilization(status).recommendations()).extracting(r -> r.replicas()).containsExactly(2);
  }
}
