package io.stableserve.decide;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The outcome of one decision.
 *
 * @param time when it was made (the input's clock, never read from the system)
 * @param currentReplicas the spec replicas the decision started from
 * @param desiredReplicas the replicas to set
 * @param reason why, as a machine reason
 * @param message why, in words, with the figures it rests on
 * @param limit what, if anything, held the count short of the stabilised recommendation
 * @param modelReplicas n = ⌈λ̂/(ρ·μ̂)⌉ before hysteresis, windows and limits, with λ̂ the rate since
 *     a rise when one was found; empty without metrics
 * @param stability λ̂ against the ready replicas' stable region
 * @param stabilityMessage that verdict in words
 * @param startingReplicas replicas not ready yet but within the start-up time of the last
 *     scale-up: capacity that is coming, not asked for again
 * @param stalledReplicas replicas not ready after the start-up time
 * @param utilization ρ at the desired replicas, λ̂ / (desired·μ̂) with the same λ̂; empty without metrics
 * @param state the stabilisation state to keep for the next decision
 * @param slo the TTFT objective the count was sized for, if any
 * @param predictedTtftSeconds with an SLO: the predicted TTFT percentile at the desired replicas (calibrated)
 */
public record Decision(
    Instant time,
    int currentReplicas,
    int desiredReplicas,
    DecisionReason reason,
    String message,
    ScalingLimit limit,
    OptionalInt modelReplicas,
    StabilityVerdict stability,
    String stabilityMessage,
    int startingReplicas,
    int stalledReplicas,
    OptionalDouble utilization,
    StabilizationState state,
    Optional<TtftSlo> slo,
    OptionalDouble predictedTtftSeconds) {

  public Decision(Instant time, int currentReplicas, int desiredReplicas, DecisionReason reason, String message, ScalingLimit limit,
      OptionalInt modelReplicas, StabilityVerdict stability, String stabilityMessage, int startingReplicas, int stalledReplicas,
      OptionalDouble utilization, StabilizationState state) {
    this(time, currentReplicas, desiredReplicas, reason, message, limit, modelReplicas, stability, stabilityMessage,
        startingReplicas, stalledReplicas, utilization, state, Optional.empty(), OptionalDouble.empty());
  }

  public Decision {
    slo = Objects.requireNonNullElse(slo, Optional.empty());
    predictedTtftSeconds = Objects.requireNonNullElse(predictedTtftSeconds, OptionalDouble.empty());
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(stability, "stability");
    Objects.requireNonNull(state, "state");
  }

  public boolean scales() {
    return desiredReplicas != currentReplicas;
  }

  public boolean scalesUp() {
    return desiredReplicas > currentReplicas;
  }

  public boolean scalesDown() {
    return desiredReplicas < currentReplicas;
  }

  public boolean limited() {
    return limit != ScalingLimit.NONE;
  }
}
