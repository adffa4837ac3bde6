package io.stableserve.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScalingPipelineTest {

  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  /** A 20 s window and an 8 s start-up. */
  static final Duration WINDOW_AND_STARTUP = Duration.ofSeconds(28);

  @Test
  void replicasThatBecameReadyWithinTheWindowAreNotSteady() {
    // scaled 21 s ago: the window (20 s) began after the scale, but the new replicas were still starting in it
    assertThat(ScalingPipeline.steady(new ReplicaCounts(4, 4), Optional.of(NOW.minusSeconds(21)), NOW, WINDOW_AND_STARTUP))
        .isFalse();
    assertThat(ScalingPipeline.steady(new ReplicaCounts(4, 4), Optional.of(NOW.minusSeconds(29)), NOW, WINDOW_AND_STARTUP))
        .isTrue();
  }

  @Test
  void aReplicaStillStartingIsNotSteadyWhateverTheLastScale() {
    assertThat(ScalingPipeline.steady(new ReplicaCounts(4, 3), Optional.of(NOW.minusSeconds(600)), NOW, WINDOW_AND_STARTUP))
        .isFalse();
    assertThat(ScalingPipeline.steady(new ReplicaCounts(2, 2), Optional.empty(), NOW, WINDOW_AND_STARTUP)).isTrue();
  }
}
