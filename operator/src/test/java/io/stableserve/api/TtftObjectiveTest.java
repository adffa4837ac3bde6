package io.stableserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.decide.TtftSlo;
import org.junit.jupiter.api.Test;

class TtftObjectiveTest {

  @Test
  void theDrainTimeDefaultsTo30sAndIsReadFromTheSpec() {
    assertThat(new TtftObjective("2s", null).toSlo()).isEqualTo(new TtftSlo(2, 0.99, 30));
    TtftObjective given = new TtftObjective("500ms", 0.9);
    given.setDrainTime("1m30s");
    assertThat(given.toSlo()).isEqualTo(new TtftSlo(0.5, 0.9, 90));
  }

  @Test
  void aDrainTimeThatIsNoDurationNamesTheField() {
    TtftObjective bad = new TtftObjective("2s", null);
    bad.setDrainTime("soon");
    assertThatThrownBy(bad::toSlo).hasMessageContaining("slo.ttft.drainTime");
  }
}
