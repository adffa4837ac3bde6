package io.stableserve.settings;

import java.time.Duration;

/**
 * The default of each setting of a service, one constant each, in the form the InferenceService
 * spec writes it. The CRD's {@code @Default} annotations, the API classes, the command line and the
 * benchmark all read them here, so that every way of running the pipeline runs with the same defaults.
 */
public final class Defaults {

  private Defaults() {}

  /** ρ: the share of one replica's stable rate the decision fills. */
  public static final String TARGET_UTILIZATION = "0.85";
  /** The stability model, as the API names it. */
  public static final String MODEL = "Scheduler";
  /** The estimation window. */
  public static final String WINDOW = "5m";
  /** The limit on one Prometheus query. */
  public static final String METRICS_TIMEOUT = "10s";
  /** How often a service is evaluated. */
  public static final String POLL_INTERVAL = "15s";
  /** A scale-up takes the smallest recommendation of this window. */
  public static final String SCALE_UP_WINDOW = "0s";
  /** A scale-down takes the largest recommendation of this window. */
  public static final String SCALE_DOWN_WINDOW = "5m";
  /** The longest a scale-up waits for the arrival rate's band to name one count. */
  public static final String SETTLE_TIME = "30s";
  /** How long a new replica may take to become ready and still count as capacity that is coming. */
  public static final String REPLICA_STARTUP_TIME = "5m";
  /** The TTFT percentile of an SLO that names none. */
  public static final String TTFT_PERCENTILE = "0.99";
  /** With an SLO, a backlog drains within this time of the replicas asked for serving. */
  public static final String TTFT_DRAIN_TIME = "30s";
  /**
   * A mix of variants that is only cheaper than the current one (the current one holds the load) is
   * taken when its saving over this horizon exceeds what its added replicas cost while they start.
   */
  public static final String MIX_CHANGE_HORIZON = "30m";
  /** The fewest replicas. */
  public static final String MIN_REPLICAS = "1";
  /**
   * How long a variant found stalled (replicas asked for that do not become ready) is counted at the
   * replicas it serves and asked for no more, before it is asked again.
   */
  public static final String STALLED_VARIANT_RETRY = "30m";
  /** A variant stalls when no replica of it becomes ready for this many start-up times while some are asked for. */
  public static final int STALL_AFTER_STARTUPS = 2;

  /** With replicas.min 0: how long a service must be idle before it goes to zero (then no shorter than a start-up). */
  public static final String IDLE_AFTER = "10m";

  public static double targetUtilization() {
    return Double.parseDouble(TARGET_UTILIZATION);
  }

  public static double ttftPercentile() {
    return Double.parseDouble(TTFT_PERCENTILE);
  }

  public static Duration ttftDrainTime() {
    return Durations.parse(TTFT_DRAIN_TIME, "slo.ttft.drainTime");
  }

  public static Duration window() {
    return Durations.parse(WINDOW, "window");
  }

  public static Duration pollInterval() {
    return Durations.parse(POLL_INTERVAL, "pollInterval");
  }

  public static Duration scaleUpWindow() {
    return Durations.parse(SCALE_UP_WINDOW, "scaleUp.stabilizationWindow");
  }

  public static Duration scaleDownWindow() {
    return Durations.parse(SCALE_DOWN_WINDOW, "scaleDown.stabilizationWindow");
  }

  public static Duration settleTime() {
    return Durations.parse(SETTLE_TIME, "scaleUp.settleTime");
  }

  public static Duration replicaStartupTime() {
    return Durations.parse(REPLICA_STARTUP_TIME, "replicaStartupTime");
  }

  public static Duration mixChangeHorizon() {
    return Durations.parse(MIX_CHANGE_HORIZON, "mixChangeHorizon");
  }

  public static Duration stalledVariantRetry() {
    return Durations.parse(STALLED_VARIANT_RETRY, "stalledVariantRetry");
  }

  public static Duration metricsTimeout() {
    return Durations.parse(METRICS_TIMEOUT, "metrics.timeout");
  }
}
