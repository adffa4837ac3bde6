package io.stableserve.pipeline;

import io.stableserve.decide.StartupTime;
import io.stableserve.correct.CapacityCorrection;
import io.stableserve.correct.CorrectedCapacity;
import io.stableserve.correct.TtftCalibration;
import io.stableserve.decide.Decision;
import io.stableserve.estimate.EngineSettings.ResolvedEngine;
import io.stableserve.estimate.ServiceEstimate;
import io.stableserve.observe.GatewayReading;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Signal;
import java.util.Objects;
import java.util.Optional;

/**
 * One pass of the pipeline for one service: what was estimated, solved, corrected and decided.
 *
 * @param estimate what the metrics said, when they could be read
 * @param engine the engine solved with and where its values came from, when known
 * @param capacity one replica's capacity, model and corrected, when solved
 * @param metricsFailure why the metrics could not be used, when they could not
 * @param decision what to do (without metrics: hold)
 * @param correctionMeasured the preemption correction applied and when it was measured, to remember
 * @param ttft with an SLO: the TTFT approximation against vLLM's measured TTFT, and its calibration
 * @param startup the replicas' start-up time as measured so far, and the scale-up being timed
 * @param gateway what the gateway said, when the pass read it because no replica served
 */
public record Evaluation(
    Optional<ServiceEstimate> estimate,
    Optional<ResolvedEngine> engine,
    Optional<CorrectedCapacity> capacity,
    Optional<MetricsFailure> metricsFailure,
    Decision decision,
    Optional<CapacityCorrection.Measured> correctionMeasured,
    Optional<TtftCalibration> ttft,
    StartupTime startup,
    Optional<GatewayReading> gateway) {

  public Evaluation {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(correctionMeasured, "correction measurement");
    ttft = Objects.requireNonNullElse(ttft, Optional.empty());
    startup = Objects.requireNonNullElse(startup, StartupTime.none());
    gateway = Objects.requireNonNullElse(gateway, Optional.empty());
  }

  public Evaluation(Optional<ServiceEstimate> estimate, Optional<ResolvedEngine> engine, Optional<CorrectedCapacity> capacity,
      Optional<MetricsFailure> metricsFailure, Decision decision, Optional<CapacityCorrection.Measured> correctionMeasured,
      Optional<TtftCalibration> ttft, StartupTime startup) {
    this(estimate, engine, capacity, metricsFailure, decision, correctionMeasured, ttft, startup, Optional.empty());
  }

  public Evaluation(Optional<ServiceEstimate> estimate, Optional<ResolvedEngine> engine, Optional<CorrectedCapacity> capacity,
      Optional<MetricsFailure> metricsFailure, Decision decision, Optional<CapacityCorrection.Measured> correctionMeasured,
      Optional<TtftCalibration> ttft) {
    this(estimate, engine, capacity, metricsFailure, decision, correctionMeasured, ttft, StartupTime.none());
  }

  public Evaluation(Optional<ServiceEstimate> estimate, Optional<ResolvedEngine> engine, Optional<CorrectedCapacity> capacity,
      Optional<MetricsFailure> metricsFailure, Decision decision, Optional<CapacityCorrection.Measured> correctionMeasured) {
    this(estimate, engine, capacity, metricsFailure, decision, correctionMeasured, Optional.empty(), StartupTime.none());
  }

  /**
   * The metrics could not be used.
   *
   * @param reason the {@code MetricsAvailable} condition's reason, in CamelCase
   * @param message what went wrong and what to fix
   * @param signal the signal concerned, when one was
   */
  public record MetricsFailure(String reason, String message, Optional<Signal> signal) {

    /** The engine's figures could be neither observed nor taken from the settings. */
    public static final String ENGINE_UNKNOWN = "EngineUnknown";

    public MetricsFailure {
      Objects.requireNonNull(reason, "reason");
      message = message == null ? "" : message;
      signal = Objects.requireNonNullElse(signal, Optional.empty());
    }

    public MetricsFailure(String reason, String message) {
      this(reason, message, Optional.empty());
    }

    /** The observer's failure, its message without the reason that the condition carries on its own. */
    public static MetricsFailure of(MetricsUnavailableException e) {
      String reason = e.problem().reason();
      String prefix = reason + ": ";
      String message = e.getMessage() != null && e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length())
          : String.valueOf(e.getMessage());
      return new MetricsFailure(reason, message, e.signal());
    }
  }
}
