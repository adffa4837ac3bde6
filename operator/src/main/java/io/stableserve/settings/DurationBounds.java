package io.stableserve.settings;

/**
 * The shortest and longest value of each duration in the spec. The CRD's CEL rules and the
 * operator's own parsing read the same constants, so a server without CEL refuses nothing the
 * operator accepts. Below the floors the reconciler would hot-loop or the window would hold no
 * scrape; above the ceilings the clock arithmetic leaves its range or nothing is learnt in a day.
 */
public final class DurationBounds {

  private DurationBounds() {}

  /** A value that is no duration fails {@link Durations#RULE} alone; the bounds judge only durations. */
  private static final String BETWEEN = "!" + Durations.RULE + " || duration(self) >= duration('";
  private static final String AND = "') && duration(self) <= duration('";

  public static final String POLL_INTERVAL_MIN = "1s";
  public static final String POLL_INTERVAL_MAX = "10m";
  public static final String POLL_INTERVAL_RULE = BETWEEN + POLL_INTERVAL_MIN + AND + POLL_INTERVAL_MAX + "')";
  public static final String POLL_INTERVAL_MESSAGE = "must be between " + POLL_INTERVAL_MIN + " and " + POLL_INTERVAL_MAX;

  public static final String REPLICA_STARTUP_MIN = "1s";
  public static final String REPLICA_STARTUP_MAX = "1h";
  public static final String REPLICA_STARTUP_RULE = BETWEEN + REPLICA_STARTUP_MIN + AND + REPLICA_STARTUP_MAX + "')";
  public static final String REPLICA_STARTUP_MESSAGE = "must be between " + REPLICA_STARTUP_MIN + " and " + REPLICA_STARTUP_MAX;

  public static final String WINDOW_MIN = "10s";
  public static final String WINDOW_MAX = "1h";
  public static final String WINDOW_RULE = BETWEEN + WINDOW_MIN + AND + WINDOW_MAX + "')";
  public static final String WINDOW_MESSAGE = "must be between " + WINDOW_MIN + " and " + WINDOW_MAX;

  public static final String TIMEOUT_MIN = "1s";
  public static final String TIMEOUT_MAX = "1m";
  public static final String TIMEOUT_RULE = BETWEEN + TIMEOUT_MIN + AND + TIMEOUT_MAX + "')";
  public static final String TIMEOUT_MESSAGE = "must be between " + TIMEOUT_MIN + " and " + TIMEOUT_MAX;

  /** Both stabilisation windows; the HPA's limit too. */
  public static final String STABILIZATION_MIN = "0s";
  public static final String STABILIZATION_MAX = "1h";
  public static final String STABILIZATION_RULE = BETWEEN + STABILIZATION_MIN + AND + STABILIZATION_MAX + "')";
  public static final String STABILIZATION_MESSAGE = "must be between " + STABILIZATION_MIN + " and " + STABILIZATION_MAX;

  public static final String SETTLE_MIN = "0s";
  public static final String SETTLE_MAX = "10m";
  public static final String SETTLE_RULE = BETWEEN + SETTLE_MIN + AND + SETTLE_MAX + "')";
  public static final String SETTLE_MESSAGE = "must be between " + SETTLE_MIN + " and " + SETTLE_MAX;

  public static final String TTFT_TARGET_MIN = "10ms";
  public static final String TTFT_TARGET_MAX = "10m";
  public static final String TTFT_TARGET_RULE = BETWEEN + TTFT_TARGET_MIN + AND + TTFT_TARGET_MAX + "')";
  public static final String TTFT_TARGET_MESSAGE = "must be between " + TTFT_TARGET_MIN + " and " + TTFT_TARGET_MAX;

  public static final String DRAIN_MIN = "5s";
  public static final String DRAIN_MAX = "10m";
  public static final String DRAIN_RULE = BETWEEN + DRAIN_MIN + AND + DRAIN_MAX + "')";
  public static final String DRAIN_MESSAGE = "must be between " + DRAIN_MIN + " and " + DRAIN_MAX;

  public static final String IDLE_AFTER_MIN = "10s";
  public static final String IDLE_AFTER_MAX = "24h";
  public static final String IDLE_AFTER_RULE = BETWEEN + IDLE_AFTER_MIN + AND + IDLE_AFTER_MAX + "')";
  public static final String IDLE_AFTER_MESSAGE = "must be between " + IDLE_AFTER_MIN + " and " + IDLE_AFTER_MAX;
}
