package io.stableserve.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stableserve.decide.ArrivalRate;
import io.stableserve.decide.DecisionReason;
import io.stableserve.decide.Mix;
import io.stableserve.decide.ScalingBehavior;
import io.stableserve.decide.TtftSlo;
import io.stableserve.decide.VariantStall;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.estimate.Estimator;
import io.stableserve.estimate.WorkloadEstimate;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.Observation;
import io.stableserve.sim.StabilityModels;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.testing.Behaviors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The pipeline's mix decision for a service of several variants (docs/variants.md). */
class MixPipelineTest {

  /** Two variants whose targets report nothing against their replicas. */
  static final List<Optional<String>> NONE_REFUSED = List.of(Optional.empty(), Optional.empty());

  /** λ = 30 req/s over the service, prompts about 500 and outputs about 100 tokens. */
  static final Observation SERVICE = SloPipelineTest.observation(Optional.empty(), OptionalDouble.empty());
  /** Twice the step time of {@link SloPipelineTest#ENGINE}: half its stable rate under the paper model. */
  static final EngineConfig SLOW = EngineConfig.of(24_000, 512, StepTimeModel.constant(0.10));
  static final ScalingBehavior BEHAVIOR = Behaviors.immediate();

  static MixSettings settings(Optional<TtftSlo> slo, VariantSettings... variants) {
    return new MixSettings(ModelKind.PAPER, 0.85, BEHAVIOR, slo, SloPipelineTest.WINDOW, List.of(variants));
  }

  /** The fast variant, {@link SloPipelineTest#ENGINE}, at 4.0 per hour. */
  static VariantSettings h100(int min, int max) {
    return new VariantSettings("h100", EngineSettings.given(SloPipelineTest.ENGINE), 4.0, min, max);
  }

  /** The slow variant, {@link #SLOW}. */
  static VariantSettings a100(double costPerHour, int min, int max) {
    return new VariantSettings("a100", EngineSettings.given(SLOW), costPerHour, min, max);
  }

  /** A first pass with every replica ready. */
  static MixEvaluation evaluate(MixSettings settings, List<ScalingPipeline.VariantObservation> readings, Mix asked) {
    return ScalingPipeline.evaluateMix(SERVICE, readings, settings, ServiceMemory.empty(), asked, asked, NONE_REFUSED, SloPipelineTest.NOW);
  }

  static List<ScalingPipeline.VariantObservation> observed(int variants) {
    return java.util.Collections.nCopies(variants, ScalingPipeline.VariantObservation.of(SERVICE));
  }

  static double stableRate(EngineConfig engine) {
    WorkloadEstimate workload = Estimator.estimate(SERVICE).workload().orElseThrow();
    return StabilityModels.of(ModelKind.PAPER).solve(workload, engine).stableRate();
  }

  @Test
  void eachVariantIsSolvedWithItsOwnEngineAndTheCheapestMixOverThoseRatesIsRun() {
    // Per unit of capacity the fast variant is the cheaper (4.0 for μ against 2.5 for μ/2); with one
    // shared μ̂ the slow one would look cheaper and too few replicas would be asked of it.
    MixSettings settings = settings(Optional.empty(), h100(0, 10), a100(2.5, 0, 10));
    MixEvaluation evaluation = evaluate(settings, observed(2), Mix.of(0, 0));

    double fast = stableRate(SloPipelineTest.ENGINE);
    double slow = stableRate(SLOW);
    assertThat(slow).isLessThan(0.75 * fast);
    assertThat(evaluation.variants().get(0).stableRate().getAsDouble()).isCloseTo(fast, within(1e-9));
    assertThat(evaluation.variants().get(1).stableRate().getAsDouble()).isCloseTo(slow, within(1e-9));

    // Sized as one type in replicas of the fast variant, the unit: ⌈λ̂⁺ / (ρ·μ_fast)⌉ of them.
    double upper = ArrivalRate.of(evaluation.estimate().orElseThrow().arrivals()).upperBound(BEHAVIOR.confidence());
    int units = evaluation.sizing().orElseThrow().decision().desiredReplicas();
    assertThat(units).isEqualTo((int) Math.ceil(upper / (0.85 * fast)));
    double needed = units * fast;
    double cheapest = Double.POSITIVE_INFINITY;
    for (int h = 0; h <= 10; h++) {
      for (int a = 0; a <= 10; a++) {
        if (h + a > 0 && h * fast + a * slow >= needed - 1e-9) {
          cheapest = Math.min(cheapest, 4.0 * h + 2.5 * a);
        }
      }
    }
    Mix mix = evaluation.mix();
    assertThat(mix.count(0) * fast + mix.count(1) * slow).as("capacity of %s", mix).isGreaterThanOrEqualTo(needed - 1e-9);
    assertThat(evaluation.costPerHour(mix)).isCloseTo(cheapest, within(1e-9));
    assertThat(evaluation.reason()).isEqualTo("MixNeededForCapacity");
    assertThat(evaluation.changes()).isTrue();
    assertThat(evaluation.describe(mix)).isEqualTo("h100=" + mix.count(0) + ",a100=" + mix.count(1));
    assertThat(evaluation.utilization(mix).getAsDouble())
        .isCloseTo(evaluation.estimate().get().arrivalRate() / (mix.count(0) * fast + mix.count(1) * slow), within(1e-12));
  }

  @Test
  void aMixKeepsTheOneTypeScaleDownStabilisationThroughItsMemory() {
    MixSettings settings = settings(Optional.empty(), h100(0, 20), a100(2.5, 0, 20));
    Mix large = Mix.of(14, 0);
    MixEvaluation fresh = evaluate(settings, observed(2), large);
    assertThat(fresh.reason()).as("with nothing remembered, the surplus goes at once").isEqualTo("MixShedsReplicas");
    assertThat(fresh.mix().count(0)).isLessThan(14);

    // Fourteen h100 were recommended a minute ago.
    int units = fresh.sizing().orElseThrow().decision().currentReplicas();
    ServiceMemory remembered = ServiceMemory.takingOver(units, SloPipelineTest.NOW.minusSeconds(60));
    MixEvaluation kept = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings, remembered, large, large, NONE_REFUSED, SloPipelineTest.NOW);
    assertThat(units).isEqualTo(14);
    assertThat(kept.mix()).isEqualTo(large);
    assertThat(kept.sizing().orElseThrow().decision().reason()).isEqualTo(DecisionReason.SCALE_DOWN_STABILIZATION);
    assertThat(kept.message()).contains("scale-down stabilisation keeps " + units);

    ServiceMemory after = remembered.after(kept.sizing().get(), kept.changes(), SloPipelineTest.NOW);
    assertThat(after.stabilization().recommendations()).as("the pass is remembered for the next").hasSize(2);
  }

  @Test
  void aVariantWhoseReplicasDoNotComeIsCountedAtThoseThatServeAndTheMixGrowsElsewhere() {
    // The cheap variant is asked for 10 replicas; 2 serve and no more come (a quota, no free node).
    MixSettings settings = settings(Optional.empty(), h100(0, 20), a100(1.0, 0, 10));
    Mix asked = Mix.of(0, 10);
    Mix ready = Mix.of(0, 2);
    Duration stallAfter = BEHAVIOR.startupTime().multipliedBy(2);
    MixEvaluation waiting = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings, ServiceMemory.empty(), asked, ready,
        NONE_REFUSED, SloPipelineTest.NOW);
    assertThat(waiting.stalls().get(1).waitingSince()).contains(SloPipelineTest.NOW);
    assertThat(waiting.mix()).as("within the stall time the starting replicas are counted as coming").isEqualTo(asked);

    ServiceMemory memory = ServiceMemory.empty().withVariantStalls(waiting.stallsByName());
    Instant later = SloPipelineTest.NOW.plus(stallAfter);
    MixEvaluation stalled = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings, memory, asked, ready, NONE_REFUSED, later);

    assertThat(stalled.stalls().get(1).stalledSince()).contains(later);
    assertThat(stalled.stalls().get(0).stalled()).isFalse();
    assertThat(stalled.mix().count(1)).as("asked for no more than serve").isEqualTo(2);
    double needed = stalled.sizing().orElseThrow().decision().desiredReplicas() * stableRate(SloPipelineTest.ENGINE);
    assertThat(stalled.mix().count(0) * stableRate(SloPipelineTest.ENGINE) + 2 * stableRate(SLOW))
        .as("the rest of the capacity on the variant that comes").isGreaterThanOrEqualTo(needed - 1e-9);
    assertThat(stalled.message()).contains("a100 stalled: 2 of 10 ready").contains("counted at 2 until "
        + later.plus(ScalingPipeline.STALLED_RETRY));

    // Without the stall the phantom replicas would be counted: the same pass, forgetting the wait, keeps them.
    MixEvaluation forgetting = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings, ServiceMemory.empty(), asked, ready, NONE_REFUSED, later);
    assertThat(forgetting.mix()).isEqualTo(asked);
  }

  @Test
  void aVariantWhoseTargetReportsItsReplicasRefusedStallsAtOnceAndSaysWhy() {
    MixSettings settings = settings(Optional.empty(), h100(0, 20), a100(1.0, 0, 10));
    Mix asked = Mix.of(0, 10);
    Mix ready = Mix.of(0, 2);
    String quota = "FailedCreate: pods \"a100-7\" is forbidden: exceeded quota: gpus, requested: nvidia.com/gpu=1, "
        + "used: nvidia.com/gpu=2, limited: nvidia.com/gpu=2";
    MixEvaluation refused = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings, ServiceMemory.empty(), asked, ready,
        List.of(Optional.empty(), Optional.of(quota)), SloPipelineTest.NOW);

    assertThat(refused.stalls().get(1).stalledSince()).as("no wait for two start-ups").contains(SloPipelineTest.NOW);
    assertThat(refused.mix().count(1)).isEqualTo(2);
    assertThat(refused.mix().count(0)).as("the capacity goes to the variant that comes").isPositive();
    assertThat(refused.message()).contains("a100 stalled: 2 of 10 ready and its target reports them refused (" + quota + ")");

    MixEvaluation full = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings, ServiceMemory.empty(), ready, ready,
        List.of(Optional.empty(), Optional.of(quota)), SloPipelineTest.NOW);
    assertThat(full.stalls().get(1).stalled()).as("a report while every replica asked for serves stalls nothing").isFalse();
  }

  @Test
  void aStalledVariantIsProbedWithOneReplicaTheCapacityDoesNotCountOn() {
    MixSettings settings = settings(Optional.empty(), h100(0, 20), a100(1.0, 0, 10));
    Mix asked = Mix.of(0, 10);
    Mix ready = Mix.of(0, 2);
    Instant stalledAt = SloPipelineTest.NOW.minus(ScalingPipeline.STALLED_RETRY);
    ServiceMemory stalled = ServiceMemory.empty().withVariantStalls(Map.of("a100",
        new VariantStall(Optional.empty(), 0, Optional.of(stalledAt))));
    MixEvaluation held = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings, stalled, asked, ready,
        NONE_REFUSED, SloPipelineTest.NOW.minusSeconds(1));
    Mix capped = held.mix();
    assertThat(capped.count(1)).as("still stalled a second before the retry").isEqualTo(2);

    MixEvaluation probed = ScalingPipeline.evaluateMix(SERVICE, observed(2), settings,
        stalled.withVariantStalls(held.stallsByName()), capped, ready, NONE_REFUSED, SloPipelineTest.NOW);
    assertThat(probed.stalls().get(1).probing()).isTrue();
    assertThat(probed.mix().count(1)).as("one replica more than serve").isEqualTo(3);
    assertThat(probed.mix().count(0)).as("the capacity is held without it").isEqualTo(capped.count(0));
    assertThat(probed.message()).contains("a100 probed: asked for one replica more than its 2 ready");
  }

  @Test
  void noMixWithinTheBoundsRunsEveryVariantAtItsMaximumAndSaysWhatToRaise() {
    MixSettings settings = settings(Optional.empty(), h100(0, 2), a100(1.8, 1, 2));
    MixEvaluation evaluation = evaluate(settings, observed(2), Mix.of(1, 1));

    assertThat(2 * stableRate(SloPipelineTest.ENGINE) + 2 * stableRate(SLOW)).as("the most the bounds allow")
        .isLessThan(30 / 0.85);
    assertThat(evaluation.mix()).isEqualTo(Mix.of(2, 2));
    assertThat(evaluation.reason()).isEqualTo("NoMixHoldsTheDemand");
    assertThat(evaluation.message()).contains("no mix within the bounds holds the demand").contains("raise h100's maximum");
  }

  @Test
  void aBindingSloAsksForACostlierMixThanCapacityAlone() {
    VariantSettings h100 = h100(0, 20);
    VariantSettings a100 = a100(1.8, 0, 20);
    MixEvaluation plain = evaluate(settings(Optional.empty(), h100, a100), observed(2), Mix.of(0, 0));
    // A target a little above the slow variant's prefill (one chunk, a step of 0.1 s): the queueing wait must be short.
    MixEvaluation tight = evaluate(settings(Optional.of(new TtftSlo(0.15, 0.99)), h100, a100), observed(2),
        Mix.of(0, 0));

    assertThat(tight.decision().orElseThrow().cheapest().reachable()).isTrue();
    assertThat(tight.costPerHour(tight.mix())).isGreaterThan(plain.costPerHour(plain.mix()));
    assertThat(tight.message()).contains("TTFT");
  }

  @Test
  void aVariantWithReplicasWhoseEngineCannotBeObservedHoldsTheMix() {
    MixSettings settings = settings(Optional.empty(), h100(0, 10),
        new VariantSettings("a100", EngineSettings.none(), 1.8, 0, 10));
    // The observation has no vllm:cache_config_info, so the a100's M is neither given nor observed.
    MixEvaluation evaluation = evaluate(settings, observed(2), Mix.of(1, 3));

    assertThat(evaluation.mix()).isEqualTo(Mix.of(1, 3));
    assertThat(evaluation.changes()).isFalse();
    assertThat(evaluation.reason()).isEqualTo(Evaluation.MetricsFailure.ENGINE_UNKNOWN);
    assertThat(evaluation.message()).startsWith("EngineUnknown: variant a100: ").contains("the KV-cache capacity M is not given");
  }

  @Test
  void anUnusedVariantWhoseSeriesCannotBeReadIsLeftOutAndSaidSo() {
    MixSettings settings = settings(Optional.empty(), h100(0, 10),
        new VariantSettings("a100", EngineSettings.none(), 1.0, 0, 10));
    List<ScalingPipeline.VariantObservation> readings = List.of(ScalingPipeline.VariantObservation.of(SERVICE),
        ScalingPipeline.VariantObservation.failed(new Evaluation.MetricsFailure(MetricsProblem.NO_DATA.reason(), "no series")));
    MixEvaluation evaluation = evaluate(settings, readings, Mix.of(2, 0));

    assertThat(evaluation.metricsFailure()).isEmpty();
    assertThat(evaluation.mix().count(1)).as("left out, so kept at 0 though it would be the cheaper").isZero();
    assertThat(evaluation.mix().count(0) * stableRate(SloPipelineTest.ENGINE)).isGreaterThanOrEqualTo(30 / 0.85);
    assertThat(evaluation.message()).contains("left out").contains("a100 (no series)");
  }

  @Test
  void theServiceSeriesFailingHoldsTheMixWithTheObserversReason() {
    MixSettings settings = settings(Optional.empty(), h100(0, 10), a100(1.8, 0, 10));
    MixEvaluation evaluation = ScalingPipeline.observeAndEvaluateMix(window -> {
      throw new io.stableserve.observe.MetricsUnavailableException(MetricsProblem.PROMETHEUS_UNREACHABLE, null, null, "connection refused");
    }, List.of(window -> SERVICE, window -> SERVICE), settings, ServiceMemory.empty(), Mix.of(2, 1), Mix.of(2, 1),
        NONE_REFUSED, SloPipelineTest.NOW);

    assertThat(evaluation.mix()).isEqualTo(Mix.of(2, 1));
    assertThat(evaluation.reason()).isEqualTo(MetricsProblem.PROMETHEUS_UNREACHABLE.reason());
    assertThat(evaluation.message()).contains("connection refused").endsWith("holding the mix");
  }
}
