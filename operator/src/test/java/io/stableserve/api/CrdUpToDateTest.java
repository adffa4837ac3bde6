package io.stableserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when {@code crds/} differs from what the API classes generate. With
 * {@code -Dcrd.update} it rewrites the committed copy instead.
 */
class CrdUpToDateTest {

  @Test
  void committedCrdIsWhatTheApiClassesGenerate() throws IOException {
    assertThat(CrdFiles.GENERATED)
        .as("the CRD generator's output; it runs in process-classes (crd-generator-maven-plugin)")
        .exists();
    String expected = CrdFiles.canonical(CrdFiles.read(CrdFiles.GENERATED));
    if (System.getProperty("crd.update") != null) {
      Files.createDirectories(CrdFiles.COMMITTED.getParent());
      Files.writeString(CrdFiles.COMMITTED, expected);
    }
    String committed = Files.exists(CrdFiles.COMMITTED) ? Files.readString(CrdFiles.COMMITTED) : "";
    assertThat(committed)
        .as("crds/%s is stale: the API classes in io.stableserve.api generate a different CRD. Refresh it with:%n  %s%n",
            CrdFiles.FILE, CrdFiles.REFRESH)
        .isEqualTo(expected);
  }

  @Test
  void printerColumnsFollowTheOrderDeclaredOnTheClass() {
    CustomResourceDefinition crd = CrdFiles.committed();
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName())
        .containsExactly("Target", "Mode", "Replicas", "Desired", "Mix", "Cost/h", "Arrivals/s", "Stable/s/Replica",
            "Utilization", "Bottleneck", "Stable", "Age");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("ssvc");
    assertThat(version.getName()).isEqualTo(InferenceService.VERSION);
    assertThat(version.getSubresources().getStatus()).as("status subresource").isNotNull();
  }
}
