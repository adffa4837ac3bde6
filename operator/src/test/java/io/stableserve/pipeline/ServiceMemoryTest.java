package io.stableserve.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceMemoryTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aScaleUpSeenElsewhereIsRememberedAsTheLastScaleUp() {
    ServiceMemory m = ServiceMemory.empty().scaledElsewhere(Optional.of(2), 4, T0);
    assertThat(m.stabilization().lastScaleUp()).contains(T0);
    assertThat(m.lastScale()).contains(T0);
  }

  @Test
  void aScaleDownSeenElsewhereKeepsTheLastScaleUp() {
    ServiceMemory up = ServiceMemory.empty().scaledElsewhere(Optional.of(2), 4, T0);
    ServiceMemory down = up.scaledElsewhere(Optional.of(4), 3, T0.plusSeconds(60));
    assertThat(down.stabilization().lastScaleUp()).contains(T0);
    assertThat(down.lastScale()).contains(T0.plusSeconds(60));
  }

  @Test
  void noChangeOrNoEarlierPassRemembersNothing() {
    assertThat(ServiceMemory.empty().scaledElsewhere(Optional.of(3), 3, T0)).isSameAs(ServiceMemory.empty());
    assertThat(ServiceMemory.empty().scaledElsewhere(Optional.empty(), 3, T0)).isSameAs(ServiceMemory.empty());
  }
}
