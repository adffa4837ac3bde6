package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.ScaleTargetRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetClaimsTest {

  static InferenceService claiming(String name, String created, String kind, String target) {
    InferenceService s = new InferenceService();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace("llm");
    s.getMetadata().setCreationTimestamp(created);
    InferenceServiceSpec spec = new InferenceServiceSpec();
    spec.setScaleTargetRef(new ScaleTargetRef("apps/v1", kind, target));
    s.setSpec(spec);
    return s;
  }

  @Test
  void theOldestClaimOnATargetWinsAndTheOthersAreRefused() {
    InferenceService first = claiming("first", "2026-11-30T10:00:00Z", "Deployment", "llama");
    InferenceService second = claiming("second", "2026-11-30T11:00:00Z", "Deployment", "llama");
    InferenceService elsewhere = claiming("elsewhere", "2026-11-30T09:00:00Z", "Deployment", "mistral");
    List<InferenceService> namespace = List.of(first, second, elsewhere);
    assertThat(TargetClaims.olderClaim(first, namespace)).isEmpty();
    assertThat(TargetClaims.olderClaim(second, namespace)).contains(first);
    assertThat(TargetClaims.olderClaim(elsewhere, namespace)).isEmpty();
  }

  @Test
  void theSameNameOfAnotherKindIsAnotherTargetAndABeingDeletedClaimLetsGo() {
    InferenceService deployment = claiming("a", "2026-11-30T10:00:00Z", "Deployment", "llama");
    InferenceService lws = claiming("b", "2026-11-30T11:00:00Z", "StatefulSet", "llama");
    assertThat(TargetClaims.olderClaim(lws, List.of(deployment, lws))).isEmpty();
    InferenceService going = claiming("c", "2026-11-30T09:00:00Z", "Deployment", "llama");
    going.getMetadata().setDeletionTimestamp("2026-11-30T12:00:00Z");
    assertThat(TargetClaims.olderClaim(deployment, List.of(going, deployment))).isEmpty();
  }
}
