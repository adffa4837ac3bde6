package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * StableServe in Metric mode, its count applied by KEDA: the path from the operator's decision to
 * the replicas has three clocks, each modelled, where the direct mode has one.
 * <ol>
 *   <li>The operator decides every 15 s, as in direct mode ({@link StableServeAutoscaler} in Metric
 *       mode), and sets its gauge {@code stableserve_desired_replicas} to the count.</li>
 *   <li>Prometheus scrapes the operator every {@code scrapeSeconds} (15 s: the interval of
 *       {@code deploy/monitoring/servicemonitor.yaml}).</li>
 *   <li>The HPA KEDA made asks for the value every {@code readSeconds} and gets Prometheus's newest
 *       sample: every 15 s (the HPA controller's sync period) with KEDA's default
 *       {@code useCachedMetrics: false}; with cached metrics, what KEDA read at its last
 *       {@code pollingInterval}. The trigger is {@code metricType: AverageValue} with threshold 1, so
 *       the HPA proposes ⌈value⌉ replicas, held within its tolerance of the current count, then applies
 *       its behaviour (stabilisation windows and rate limits) and the bounds
 *       ({@link HorizontalPodAutoscaler}).</li>
 * </ol>
 * The clocks are not aligned: each stage runs half its period after the one before it, the mean
 * delay between two unsynchronised clocks.
 */
public final class StableServeThroughKeda implements Autoscaler {

  public static final String NAME = "StableServe via KEDA";

  /**
   * The settings of the path from the gauge to the replicas.
   *
   * @param label how the report names them
   * @param scrapeSeconds Prometheus's scrape interval of the operator
   * @param readSeconds how often the HPA gets a new value
   * @param tolerance the HPA's tolerance
   * @param behavior the HPA's behaviour
   */
  public record Path(String label, double scrapeSeconds, double readSeconds, double tolerance, HpaBehavior behavior) {

    /** The HPA's default rate limits with no stabilisation window either way. */
    static HpaBehavior withoutWindows() {
      HpaBehavior d = HpaBehavior.defaults();
      return new HpaBehavior(0, 0, d.scaleUp(), d.scaleDown());
    }

    /** What docs/operations.md recommends: tolerance 0 (where the cluster allows it), no windows, KEDA's uncached reads. */
    public static final Path RECOMMENDED = new Path("tolerance 0, no HPA windows, read every 15 s", 15, 15, 0, withoutWindows());
    /** The recommended windows on a cluster whose HPA tolerance stays at its default 10%. */
    public static final Path DEFAULT_TOLERANCE = new Path("tolerance 0.1, no HPA windows, read every 15 s", 15, 15,
        HorizontalPodAutoscaler.DEFAULT_TOLERANCE, withoutWindows());
    /** Every setting at KEDA's and the HPA's default: tolerance 10%, a 300 s scale-down window. */
    public static final Path DEFAULTS = new Path("tolerance 0.1, HPA default behaviour (300 s down), read every 15 s", 15, 15,
        HorizontalPodAutoscaler.DEFAULT_TOLERANCE, HpaBehavior.defaults());
    /** The recommended settings with useCachedMetrics and KEDA's default pollingInterval, 30 s. */
    public static final Path CACHED = new Path("tolerance 0, no HPA windows, cached, pollingInterval 30 s", 15, 30, 0,
        withoutWindows());

    public static final List<Path> GRID = List.of(RECOMMENDED, DEFAULT_TOLERANCE, DEFAULTS, CACHED);

    public Path {
      if (!(scrapeSeconds >= 1) || !(readSeconds >= 1)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "scrape and read intervals must be at least 1 s, got %s and %s", scrapeSeconds, readSeconds));
      }
    }
  }

  private final Autoscaler operator;
  private final Path path;
  private final HorizontalPodAutoscaler hpa;
  private final double operatorPeriod;
  private double nextDecision;
  private double nextScrape;
  private double nextRead;
  private OptionalInt gauge = OptionalInt.empty();
  private OptionalInt scraped = OptionalInt.empty();

  /** @param operator StableServe in Metric mode ({@link StableServeAutoscaler#exportingTheCount()}): what it decides is exported */
  public StableServeThroughKeda(Autoscaler operator, ReplicaRange range, Path path) {
    this.operator = operator;
    this.path = path;
    this.hpa = new HorizontalPodAutoscaler(path.behavior(), range, path.tolerance());
    this.operatorPeriod = operator.periodSeconds();
    this.nextDecision = operatorPeriod;
    this.nextScrape = nextDecision + path.scrapeSeconds() / 2;
    this.nextRead = nextScrape + path.readSeconds() / 2;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Every second: each of the three clocks is checked at the fleet's scrape resolution. */
  @Override
  public double periodSeconds() {
    return 1;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    double now = metrics.now();
    if (now >= nextDecision) {
      gauge = OptionalInt.of(operator.decide(metrics, specReplicas, readyReplicas));
      nextDecision += operatorPeriod;
    }
    if (now >= nextScrape) {
      scraped = gauge;
      nextScrape += path.scrapeSeconds();
    }
    if (now >= nextRead) {
      nextRead += path.readSeconds();
      if (scraped.isPresent()) {
        int proposed = hpa.externalAverageReplicas(scraped.getAsInt(), specReplicas, 1);
        return hpa.normalize(now, specReplicas, proposed);
      }
    }
    return specReplicas;
  }
}
