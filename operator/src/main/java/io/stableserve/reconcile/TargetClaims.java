package io.stableserve.reconcile;

import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceSpec;
import io.stableserve.api.ScaleTargetRef;
import io.stableserve.api.VariantSpec;
import java.util.List;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Two InferenceServices on one target would fight over its replicas. The oldest claim wins (by
 * creation time, then name); every other one is refused until it points elsewhere.
 */
final class TargetClaims {

  private TargetClaims() {}

  private static final Comparator<InferenceService> OLDEST_FIRST = Comparator
      .comparing((InferenceService s) -> Objects.requireNonNullElse(s.getMetadata().getCreationTimestamp(), ""))
      .thenComparing(s -> s.getMetadata().getName());

  /** The older InferenceService of the same namespace that scales the same target as {@code service}, if any. */
  static Optional<InferenceService> olderClaim(InferenceService service, Collection<InferenceService> namespace) {
    return olderClaim(service, service.getSpec().getScaleTargetRef(), namespace);
  }

  /**
   * The older InferenceService of the same namespace that scales {@code ref}, one of {@code service}'s
   * targets, as its own target or as one of its variants', if any.
   */
  static Optional<InferenceService> olderClaim(InferenceService service, ScaleTargetRef ref, Collection<InferenceService> namespace) {
    return namespace.stream()
        .filter(other -> !other.getMetadata().getName().equals(service.getMetadata().getName()))
        .filter(other -> other.getMetadata().getDeletionTimestamp() == null)
        .filter(other -> other.getSpec() != null && targets(other.getSpec()).stream().anyMatch(t -> sameTarget(ref, t)))
        .filter(other -> OLDEST_FIRST.compare(other, service) < 0)
        .min(OLDEST_FIRST);
  }

  /** Every workload a spec scales: its target, or each variant's. */
  static List<ScaleTargetRef> targets(InferenceServiceSpec spec) {
    if (spec.hasVariants()) {
      return spec.getVariants().stream().map(VariantSpec::getScaleTargetRef).filter(Objects::nonNull).toList();
    }
    return spec.getScaleTargetRef() == null ? List.of() : List.of(spec.getScaleTargetRef());
  }

  static boolean sameTarget(ScaleTargetRef a, ScaleTargetRef b) {
    return a != null && b != null && Objects.equals(a.group(), b.group()) && Objects.equals(a.getKind(), b.getKind())
        && Objects.equals(a.getName(), b.getName());
  }
}
