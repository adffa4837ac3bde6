package io.stableserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The docs that describe the CRD and its conditions follow the CRD and {@link Conditions}. */
class CrdReferenceTest {

  static final Path REFERENCE = Path.of("..", "docs", "crd-reference.md");
  static final Path OPERATIONS = Path.of("..", "docs", "operations.md");

  @Test
  void referenceIsGeneratedFromTheCommittedCrd() throws IOException {
    String expected = CrdReference.markdown(CrdFiles.committed());
    if (System.getProperty("docs.update") != null) {
      Files.writeString(REFERENCE, expected);
    }
    assertThat(Files.exists(REFERENCE) ? Files.readString(REFERENCE) : "")
        .as("docs/crd-reference.md is stale: the CRD changed. Refresh it with:%n  %s%n", CrdReference.REFRESH)
        .isEqualTo(expected);
  }

  @Test
  void referenceListsEveryField() {
    String reference = CrdReference.markdown(CrdFiles.committed());
    for (String field : List.of("spec.scaleTargetRef.name", "spec.replicas.max", "spec.targetUtilization",
        "spec.engine.stepTime.secondsPerKvToken", "spec.metrics.queries.arrivals", "spec.behavior.scaleDown.stabilizationWindow",
        "status.capacity.bottleneck", "status.conditions[].reason", "status.engineRecommendation.gain")) {
      assertThat(reference).contains("| `" + field + "` |");
    }
    assertThat(reference).contains("replicas.min must be less than or equal to replicas.max");
  }

  @Test
  void operationsGuideExplainsEveryConditionAndEventReason() throws IOException {
    String guide = Files.readString(OPERATIONS);
    for (String type : Conditions.TYPES) {
      for (String reason : Conditions.REASONS.get(type)) {
        assertThat(guide).as("docs/operations.md explains reason %s of %s", reason, type).contains("`" + reason + "`");
      }
    }
    for (String reason : Conditions.EVENT_REASONS) {
      assertThat(guide).as("docs/operations.md explains event reason %s", reason).contains("`" + reason + "`");
    }
  }

  @Test
  void operationsGuideListsEveryPermission() throws IOException {
    String guide = Files.readString(OPERATIONS);
    for (OperatorPermissions.Permission p : OperatorPermissions.ALL) {
      assertThat(guide).as("docs/operations.md lists %s", p).contains("`" + p.resource() + "`");
      for (String verb : p.verbs()) {
        assertThat(guide).contains(verb);
      }
    }
  }
}
