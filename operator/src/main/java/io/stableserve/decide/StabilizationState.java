package io.stableserve.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the decide step remembers between decisions: the recent recommendations (for the
 * stabilisation windows) and the time of the last scale-up (to tell replicas that are starting
 * from replicas that are not becoming ready), since when a scale-up has been waiting for its
 * count to settle, and what going to zero and back needs ({@link ZeroState}). The operator keeps it in the InferenceService's status, so a restart does not
 * reset the windows.
 */
public record StabilizationState(List<RecommendedCount> recommendations, Optional<Instant> lastScaleUp,
    Optional<Instant> scaleUpPendingSince, ZeroState zero) {

  private static final StabilizationState EMPTY = new StabilizationState(List.of(), Optional.empty(), Optional.empty(),
      ZeroState.empty());

  public StabilizationState {
    recommendations = recommendations.stream().sorted(Comparator.comparing(RecommendedCount::time)).toList();
    lastScaleUp = lastScaleUp == null ? Optional.empty() : lastScaleUp;
    scaleUpPendingSince = scaleUpPendingSince == null ? Optional.empty() : scaleUpPendingSince;
    zero = zero == null ? ZeroState.empty() : zero;
  }

  public StabilizationState(List<RecommendedCount> recommendations, Optional<Instant> lastScaleUp,
      Optional<Instant> scaleUpPendingSince) {
    this(recommendations, lastScaleUp, scaleUpPendingSince, ZeroState.empty());
  }

  public StabilizationState(List<RecommendedCount> recommendations, Optional<Instant> lastScaleUp) {
    this(recommendations, lastScaleUp, Optional.empty());
  }

  public static StabilizationState empty() {
    return EMPTY;
  }

  /** This state with {@code recommendation} added and everything older than {@code retention} before it dropped. */
  StabilizationState record(RecommendedCount recommendation, Duration retention) {
    Instant cutoff = recommendation.time().minus(retention);
    List<RecommendedCount> kept = new ArrayList<>();
    for (RecommendedCount r : recommendations) {
      if (!r.time().isBefore(cutoff) && !r.time().isAfter(recommendation.time())) {
        kept.add(r);
      }
    }
    kept.add(recommendation);
    return new StabilizationState(kept, lastScaleUp, scaleUpPendingSince, zero);
  }

  StabilizationState withLastScaleUp(Instant time) {
    return new StabilizationState(recommendations, Optional.of(time), scaleUpPendingSince, zero);
  }

  StabilizationState withScaleUpPendingSince(Optional<Instant> since) {
    return new StabilizationState(recommendations, lastScaleUp, since, zero);
  }

  /** This state with the memory of going to zero and coming back replaced. */
  public StabilizationState withZero(ZeroState newZero) {
    return new StabilizationState(recommendations, lastScaleUp, scaleUpPendingSince, newZero);
  }
}
