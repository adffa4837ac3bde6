package io.stableserve.reconcile;

import io.stableserve.decide.Decision;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.estimate.EngineSettings.ResolvedEngine;
import io.stableserve.correct.CapacityCorrection;
import io.stableserve.estimate.ServiceEstimate;
import java.util.Objects;
import java.util.Optional;

/**
 * One pass of observe → estimate → solve → decide for one service.
 *
 * @param estimate what the metrics said, when they could be read
 * @param engine the engine solved with and where its values came from, when known
 * @param capacity one replica's capacity, model and corrected, when solved
 * @param metricsFailure why the metrics could not be used, when they could not
 * @param decision what to do (without metrics: hold)
 * @param correctionMeasured the preemption correction applied and when it was measured, to remember
 */
public record Evaluation(
    Optional<ServiceEstimate> estimate,
    Optional<ResolvedEngine> engine,
    Optional<CorrectedCapacity> capacity,
    Optional<MetricsFailure> metricsFailure,
    Decision decision,
    Optional<CapacityCorrection.Measured> correctionMeasured) {

  public Evaluation {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(correctionMeasured, "correction measurement");
  }

  /**
   * The metrics could not be used.
   *
   * @param reason a {@code MetricsAvailable} reason of {@link io.stableserve.api.Conditions}
   * @param message what went wrong and what to fix
   */
  public record MetricsFailure(String reason, String message) {}
}
