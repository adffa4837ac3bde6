package io.stableserve.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The policies the benchmark compares, and the grid of each peer's main knob (3 to 4 values, the
 * documented default among them). StableServe has one point: the operator's defaults. The SLO
 * bound and the reactive bound have none: their factor is searched ({@link SloBound}, {@link ReactiveBound}). StableServe through KEDA (Metric mode) has one
 * point per setting of the path from its gauge to the replicas ({@link StableServeThroughKeda.Path#GRID}),
 * the recommended one its default; it is StableServe, not a peer.
 *
 * <ul>
 *   <li>HPA on KV cache: the {@code AverageValue} target of {@code vllm:kv_cache_usage_perc},
 *       0.5, 0.6, 0.7, <b>0.8</b>;</li>
 *   <li>KEDA on the queue: the trigger's threshold on {@code sum(vllm:num_requests_waiting)}, 2,
 *       <b>5</b>, 10, 20;</li>
 *   <li>KEDA on P90 TTFT: the threshold on P90 / S_ttft, 0.25, 0.5, 0.75, <b>1</b>;</li>
 *   <li>llm-d WVA's saturation analyzer: its thresholds (KV, queue) 0.6/2, 0.7/3, <b>0.8/5</b>,
 *       0.9/10 ({@link SaturationScaler.Thresholds#GRID});</li>
 *   <li>Knative KPA: the concurrency target per pod, 40, <b>70</b>, 100, 140.</li>
 * </ul>
 */
public enum PolicyKind {
  STABLESERVE("stableserve", StableServeAutoscaler.NAME),
  STABLESERVE_METRIC("stableserve-metric", StableServeThroughKeda.NAME),
  HPA_KV("hpa", KvCacheHpa.NAME),
  KEDA_QUEUE("keda", KedaQueueScaler.NAME),
  KEDA_TTFT("keda-ttft", KedaTtftScaler.NAME),
  WVA_SATURATION("wva", SaturationScaler.NAME),
  KNATIVE_KPA("kpa", KnativeKpa.NAME),
  SLO_BOUND("bound", SloBound.NAME),
  REACTIVE_BOUND("reactive-bound", ReactiveBound.NAME);

  public static final List<Double> HPA_KV_TARGETS = List.of(0.5, 0.6, 0.7, KvCacheHpa.DEFAULT_TARGET);
  public static final List<Double> KEDA_QUEUE_THRESHOLDS = List.of(2.0, KedaQueueScaler.DEFAULT_THRESHOLD, 10.0, 20.0);
  public static final List<Double> KEDA_TTFT_THRESHOLDS = List.of(0.25, 0.5, 0.75, KedaTtftScaler.DEFAULT_THRESHOLD);
  public static final List<Double> KPA_TARGETS = List.of(40.0, KnativeKpa.DEFAULT_TARGET, 100.0, 140.0);

  private final String key;
  private final String displayName;

  PolicyKind(String key, String displayName) {
    this.key = key;
    this.displayName = displayName;
  }

  public String key() {
    return key;
  }

  /** The name the report shows. */
  public String displayName() {
    return displayName;
  }

  /** A policy the benchmark compares StableServe with. */
  public boolean isPeer() {
    return this != STABLESERVE && this != STABLESERVE_METRIC && !isBound();
  }

  /** The SLO bound or the reactive bound: a yardstick, not a policy. */
  public boolean isBound() {
    return this == SLO_BOUND || this == REACTIVE_BOUND;
  }

  public static PolicyKind parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("oracle")) {
      return SLO_BOUND;
    }
    for (PolicyKind k : values()) {
      if (k.key.equals(t)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown policy '" + text + "'; expected one of stableserve, stableserve-metric, hpa, keda, keda-ttft, wva, "
        + "kpa, bound, reactive-bound");
  }

  /** The settings the benchmark runs: the knob's grid for a peer, the defaults for StableServe, none for the bound. */
  public List<GridPoint> grid() {
    return switch (this) {
      case STABLESERVE -> List.of(new GridPoint(this, "operator defaults", true, PolicyKind::stableServe));
      case STABLESERVE_METRIC -> StableServeThroughKeda.Path.GRID.stream().map(p -> new GridPoint(this, p.label(),
          p == StableServeThroughKeda.Path.RECOMMENDED, s -> new StableServeThroughKeda(StableServeAutoscaler.of(s.range(), s).exportingTheCount(), s.range(), p))).toList();
      case HPA_KV -> points("target %.2f", HPA_KV_TARGETS, KvCacheHpa.DEFAULT_TARGET,
          v -> s -> new KvCacheHpa(s.range(), v, HpaBehavior.defaults()));
      case KEDA_QUEUE -> points("threshold %.0f", KEDA_QUEUE_THRESHOLDS, KedaQueueScaler.DEFAULT_THRESHOLD,
          v -> s -> new KedaQueueScaler(s.range(), v, HpaBehavior.defaults()));
      case KEDA_TTFT -> points("threshold %.2f", KEDA_TTFT_THRESHOLDS, KedaTtftScaler.DEFAULT_THRESHOLD,
          v -> s -> new KedaTtftScaler(s.range(), v, s.ttftTargetSeconds(), HpaBehavior.defaults()));
      case KNATIVE_KPA -> points("target %.0f", KPA_TARGETS, KnativeKpa.DEFAULT_TARGET, v -> s -> new KnativeKpa(s.range(), v));
      case WVA_SATURATION -> {
        List<GridPoint> out = new ArrayList<>();
        for (SaturationScaler.Thresholds t : SaturationScaler.Thresholds.GRID) {
          out.add(new GridPoint(this, t.label(), t.equals(SaturationScaler.Thresholds.DEFAULTS), s -> new SaturationScaler(s.range(), t)));
        }
        yield List.copyOf(out);
      }
      case SLO_BOUND, REACTIVE_BOUND -> List.of();
    };
  }

  /** The grid point of the documented default (StableServe: its only one). */
  public GridPoint defaultPoint() {
    return grid().stream().filter(GridPoint::isDefault).findFirst()
        .orElseThrow(() -> new IllegalStateException(this + " has no default setting"));
  }

  private List<GridPoint> points(String format, List<Double> values, double defaultValue,
      DoubleFunction<java.util.function.Function<BenchSetup, Autoscaler>> factory) {
    List<GridPoint> out = new ArrayList<>();
    for (double v : values) {
      out.add(new GridPoint(this, String.format(Locale.ROOT, format, v), v == defaultValue, factory.apply(v)));
    }
    return List.copyOf(out);
  }

  /**
   * StableServe as the operator runs it: what {@link StableServeAutoscaler#of} gives for the setup's
   * settings (the operator's defaults unless the command line names others), the fleet's start-up
   * and engine given.
   */
  private static Autoscaler stableServe(BenchSetup setup) {
    return StableServeAutoscaler.of(setup.range(), setup);
  }

  @Override
  public String toString() {
    return key;
  }
}
