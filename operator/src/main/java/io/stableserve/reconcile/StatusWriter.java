package io.stableserve.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.stableserve.api.InferenceService;

/**
 * Writes a service's status within a pass. A pass that scales writes it before {@code /scale}, with
 * what it decided and remembers (the recommendations, the scale time), so that a crash between the
 * two writes loses nothing; and again only if {@code /scale} fails.
 */
@FunctionalInterface
public interface StatusWriter {

  /** Writes {@code service}'s status; a conflict with a newer version of the service throws. */
  void write(InferenceService service, Context<InferenceService> context);

  /**
   * A PUT of the status with optimistic locking, its result put in the operator's cache so that the
   * next pass starts from it ({@link PrimaryUpdateAndCacheUtils}).
   */
  static StatusWriter kubernetes() {
    return (service, context) -> {
      var status = service.getStatus();
      InferenceService written = PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(service, context, latest -> {
        latest.setStatus(status);
        return latest;
      });
      service.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    };
  }
}
