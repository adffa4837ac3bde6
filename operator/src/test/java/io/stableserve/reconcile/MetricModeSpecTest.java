package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.Mode;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.StepTimeModel;
import io.stableserve.testing.EngineSpecs;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricModeSpecTest {

  @Test
  void aServiceOfSeveralVariantsCannotExportOneCount() {
    EngineConfig engine = EngineConfig.of(400_000, 2048, new StepTimeModel(0.0058, 1.7e-5, 0));
    InferenceServiceSpec spec = new InferenceServiceSpec();
    spec.setVariants(List.of(MixReconcileTest.variant("h100", EngineSpecs.given(engine), 4.0, 2),
        MixReconcileTest.variant("a100", EngineSpecs.given(engine), 2.2, 4)));
    spec.setMode(Mode.Metric);
    assertThatThrownBy(() -> SpecMapping.mixSettings(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spec.mode Metric exports one replica count, and a service with spec.variants decides a mix of several: "
            + "use mode Enforce or Recommend with variants, or one scaleTargetRef with Metric");
  }
}
