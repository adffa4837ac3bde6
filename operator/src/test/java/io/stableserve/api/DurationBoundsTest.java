package io.stableserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.settings.DurationBounds;
import io.stableserve.settings.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator refuses what the CRD's CEL refuses, for an API server without CEL. */
class DurationBoundsTest {

  @Test
  void aDurationBeyondTheClockIsRefusedWithTheFieldNotAnArithmeticError() {
    assertThatThrownBy(() -> Durations.parse("9999999999999h", "metrics.window"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metrics.window")
        .hasMessageContaining("each number at most six digits");
  }

  @Test
  void boundsAreInclusiveAndNamedInTheRefusal() {
    assertThat(Durations.parse("1s", "behavior.pollInterval", DurationBounds.POLL_INTERVAL_MIN, DurationBounds.POLL_INTERVAL_MAX))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(Durations.parse("10m", "behavior.pollInterval", DurationBounds.POLL_INTERVAL_MIN, DurationBounds.POLL_INTERVAL_MAX))
        .isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> Durations.parse("999ms", "behavior.pollInterval", DurationBounds.POLL_INTERVAL_MIN,
        DurationBounds.POLL_INTERVAL_MAX)).hasMessage("behavior.pollInterval: must be between 1s and 10m, got 999ms");
  }

  @Test
  void theSpecsDurationsAreCheckedAgainstTheirBoundsWhenRead() {
    Behavior hot = new Behavior();
    hot.setPollInterval("0s");
    assertThatThrownBy(hot::pollIntervalDuration).hasMessageContaining("behavior.pollInterval: must be between 1s and 10m");
    MetricsSpec endless = new MetricsSpec();
    endless.setWindow("9999999999999h");
    assertThatThrownBy(endless::windowDuration).hasMessageContaining("metrics.window");
    assertThatThrownBy(new ScaleToZeroSpec("5s")::idleAfterDuration)
        .hasMessage("scaleToZero.idleAfter: must be between 10s and 24h, got 5s");
    assertThat(new ScaleToZeroSpec("24h").idleAfterDuration()).isEqualTo(Duration.ofHours(24));
    assertThat(new ScaleToZeroSpec(null).idleAfterDuration()).as("the default").isEqualTo(Duration.ofMinutes(10));
  }
}
