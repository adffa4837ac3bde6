package io.stableserve.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.StabilizationState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The pipeline times its scale-ups on the target and decides with the start-up time it measured. */
class MeasuredStartupTest {

  @Test
  void aScaleUpWrittenIsTimedToItsReadyReplicasAndTheNextDecisionsUseIt() {
    ServiceSettings settings = SloPipelineTest.settings();
    Duration spec = settings.policy().behavior().startupTime();
    Instant written = SloPipelineTest.NOW.minusSeconds(100);
    // A pass that scaled 2 → 4 a hundred seconds ago, written to the target.
    Evaluation first = ScalingPipeline.evaluate(SloPipelineTest.observation(Optional.empty(), OptionalDouble.empty()), settings,
        ServiceMemory.empty(), ReplicaCounts.allReady(2), written);
    assertThat(first.decision().desiredReplicas()).isGreaterThan(2);
    int asked = first.decision().desiredReplicas();
    ServiceMemory memory = ServiceMemory.empty().after(first, true, written);
    assertThat(memory.startup().pending()).isPresent();

    Instant now = SloPipelineTest.NOW;
    Evaluation notYet = ScalingPipeline.evaluate(SloPipelineTest.observation(Optional.empty(), OptionalDouble.empty()), settings,
        memory, new ReplicaCounts(asked, 2), now.minusSeconds(40));
    assertThat(notYet.startup().measured()).isEmpty();
    assertThat(notYet.decision().startingReplicas()).as("within the spec's %s", spec).isEqualTo(asked - 2);

    Evaluation ready = ScalingPipeline.evaluate(SloPipelineTest.observation(Optional.empty(), OptionalDouble.empty()), settings,
        memory.after(notYet, false, now.minusSeconds(40)), ReplicaCounts.allReady(asked), now);
    // Ready at some time after the pass 40 s ago: midway between the two passes' periods, 100 s less half a period.
    Duration expected = Duration.ofSeconds(100).minus(settings.policy().behavior().period().dividedBy(2));
    assertThat(ready.startup().measured()).contains(expected);
    ServiceMemory measured = memory.after(ready, false, now);
    assertThat(measured.startup().effective(spec)).isEqualTo(expected);

    // Two more replicas asked for 150 s ago and not ready: past the measured start-up they are stalled,
    // where the spec's start-up time would still count them as starting.
    ServiceMemory scaled = new ServiceMemory(new StabilizationState(measured.stabilization().recommendations(),
        Optional.of(now.minusSeconds(150)), measured.stabilization().scaleUpPendingSince()),
        measured.correction(), Optional.of(now.minusSeconds(150)), measured.ttftFactor(), measured.startup());
    Evaluation stalled = ScalingPipeline.evaluate(SloPipelineTest.observation(Optional.empty(), OptionalDouble.empty()), settings,
        scaled, new ReplicaCounts(asked + 2, asked), now);
    assertThat(spec).isGreaterThan(Duration.ofSeconds(150));
    assertThat(stalled.decision().startingReplicas()).isZero();
    assertThat(stalled.decision().stalledReplicas()).isEqualTo(2);
    assertThat(stalled.decision().message()).contains("not ready after the start-up time (" + expected.toSeconds() + " s)");
  }
}
