package io.stableserve.reconcile;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.BaseControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the reconcile loop makes progress, for the liveness probe. The Java Operator SDK reports
 * each reconciliation to it through its monitoring hook ({@link Metrics}).
 *
 * <p>Every InferenceService the loop has reconciled has a deadline by which the next sign of
 * progress must come: while a reconciliation of it runs, its start plus the grace; after one, its
 * end plus the delay it asked for (the service's poll interval) or, when it asked none or failed,
 * the maximum reconcile interval, after which the SDK reconciles it in any case, plus the grace.
 * The loop is stuck when any deadline has passed. The grace absorbs what legitimately delays a
 * reconciliation: each Prometheus query is bounded by {@code metrics.timeout} (at most a minute)
 * and each API call by the client's timeout and retries, and a busy executor queues services
 * behind each other; a loop whose threads hang, or that stopped scheduling, misses it.
 *
 * <p>A deleted service is no longer expected ({@link #cleanupDoneFor}). A replica that does not
 * hold the Lease reconciles nothing, so expects nothing and stays alive. A service the loop never
 * reconciled is not expected either: liveness judges the loop by what it has begun to do.
 */
final class ReconcileLoopWatch implements Metrics {

  /** How late a reconciliation may start, or how long one may run, before the loop counts as stuck. */
  static final Duration GRACE = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoopWatch.class);

  private final Clock clock;
  private final Duration maxReconcileInterval;
  private final Duration grace;
  private final Map<ResourceID, Instant> deadlines = new ConcurrentHashMap<>();

  /**
   * @param maxReconcileInterval the SDK reconciles each service at least this often, also after
   *     errors
   */
  ReconcileLoopWatch(Clock clock, Duration maxReconcileInterval, Duration grace) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxReconcileInterval = Objects.requireNonNull(maxReconcileInterval, "maximum reconcile interval");
    this.grace = Objects.requireNonNull(grace, "grace");
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    ResourceID id = execution.resourceID();
    deadlines.put(id, clock.instant().plus(grace));
    Duration next = maxReconcileInterval;
    try {
      T result = execution.execute();
      if (result instanceof BaseControl<?> control && control.getScheduleDelay().isPresent()) {
        next = Duration.ofMillis(control.getScheduleDelay().get());
      }
      return result;
    } finally {
      deadlines.put(id, clock.instant().plus(next).plus(grace));
    }
  }

  @Override
  public void cleanupDoneFor(ResourceID id, Map<String, Object> metadata) {
    deadlines.remove(id);
  }

  /** False when some service's deadline has passed; the most overdue one is logged. */
  boolean progressing() {
    Instant now = clock.instant();
    Optional<Map.Entry<ResourceID, Instant>> overdue = deadlines.entrySet().stream()
        .filter(e -> now.isAfter(e.getValue()))
        .min(Map.Entry.comparingByValue(Comparator.naturalOrder()));
    overdue.ifPresent(e -> LOG.warn("reconcile loop stuck: no progress on {} for {} past its deadline {}",
        e.getKey(), Duration.between(e.getValue(), now), e.getValue()));
    return overdue.isEmpty();
  }

  /** Whether the loop has a deadline for the service: it reconciled it and it was not deleted since. */
  boolean expects(ResourceID id) {
    return deadlines.containsKey(id);
  }
}
