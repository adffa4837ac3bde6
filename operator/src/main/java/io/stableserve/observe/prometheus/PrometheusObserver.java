package io.stableserve.observe.prometheus;

import io.stableserve.observe.KvCacheCapacity;
import io.stableserve.observe.GatewayReading;
import io.stableserve.observe.MetricsProblem;
import io.stableserve.observe.MetricsUnavailableException;
import io.stableserve.observe.Observation;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.observe.Observer;
import io.stableserve.observe.Signal;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.observe.VllmMetricNames;

import static io.stableserve.observe.prometheus.VllmMetricCatalog.CACHE_CONFIG;
import static io.stableserve.observe.prometheus.VllmMetricCatalog.GENERATION_TOKENS;
import static io.stableserve.observe.prometheus.VllmMetricCatalog.ITERATION_TOKENS;
import static io.stableserve.observe.prometheus.VllmMetricCatalog.PREEMPTIONS;
import static io.stableserve.observe.prometheus.VllmMetricCatalog.PROMPT_TOKENS;
import static io.stableserve.observe.prometheus.VllmMetricCatalog.RUNNING;
import static io.stableserve.observe.prometheus.VllmMetricCatalog.SUCCESS;
import static io.stableserve.observe.prometheus.VllmMetricCatalog.WAITING;

import io.stableserve.observe.Observation.IntervalSample;
import io.stableserve.observe.prometheus.PrometheusClient.Point;
import io.stableserve.observe.prometheus.PrometheusClient.Sample;
import io.stableserve.observe.prometheus.PrometheusClient.Series;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The observe stage against Prometheus: probes which vLLM names the service exports (V1 and V0),
 * then reads each signal over the window, honouring the user's PromQL overrides. The PromQL of
 * each signal is in {@link #queries}; docs/estimation.md lists them.
 */
public final class PrometheusObserver implements Observer {

  /** How far back a service's series are looked for to tell stale metrics from missing ones. */
  static final Duration STALENESS_HORIZON = Duration.ofHours(1);

  /**
   * One observe may take this many times metrics.timeout in all; then the queries not yet sent are
   * not sent and the observe fails as a timeout (the operator holds the replica count). An observe
   * sends some 20 queries, so without it a slow Prometheus held a reconcile for 20 timeouts. Three
   * lets one query take the whole timeout and the rest still finish (a healthy Prometheus answers
   * all of them within a fraction of one), and bounds the wait at 30 s with the default 10 s.
   */
  static final int OBSERVE_DEADLINE_TIMEOUTS = 3;

  private final PrometheusSource source;
  private final PrometheusApi api;
  private final Clock clock;
  private final LongSupplier nanoTime;

  /** An observer of {@code source} over HTTP, with one client for all its observations. */
  public PrometheusObserver(PrometheusSource source) {
    this(source, new PrometheusClient(source), Clock.systemUTC());
  }

  /**
   * @param api answers the queries (tests pass canned answers)
   * @param clock gives the evaluation time (the end of the window)
   */
  public PrometheusObserver(PrometheusSource source, PrometheusApi api, Clock clock) {
    this(source, api, clock, System::nanoTime);
  }

  /** @param nanoTime a monotonic clock in nanoseconds that the observe's deadline is kept by (tests pass their own) */
  PrometheusObserver(PrometheusSource source, PrometheusApi api, Clock clock, LongSupplier nanoTime) {
    this.source = Objects.requireNonNull(source, "Prometheus source");
    this.api = Objects.requireNonNull(api, "Prometheus API");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanoTime = Objects.requireNonNull(nanoTime, "monotonic clock");
  }

  public PrometheusSource source() {
    return source;
  }

  @Override
  public Observation observe(ObservationWindow window) throws MetricsUnavailableException {
    return new Run(source, window, new DeadlineQueries(api, source.timeout(), nanoTime), clock.instant().truncatedTo(ChronoUnit.MILLIS))
        .observe();
  }

  /**
   * The gateway's held requests ({@code gatewayQueue}, required) and, when an {@code arrivals} query
   * is given (the gateway's request counter), the arrival rate; an arrivals query that returns
   * nothing (a counter not yet created: no request ever reached the gateway) reads as no rate.
   */
  @Override
  public GatewayReading observeGateway(ObservationWindow window) throws MetricsUnavailableException {
    return new Run(source, window, new DeadlineQueries(api, source.timeout(), nanoTime), clock.instant().truncatedTo(ChronoUnit.MILLIS))
        .gateway();
  }

  /**
   * The queries of one observe under its deadline, {@value #OBSERVE_DEADLINE_TIMEOUTS} × metrics.timeout
   * from the first: none is sent after it, and each waits at most the smaller of metrics.timeout and
   * the time left.
   */
  private static final class DeadlineQueries {
    private final PrometheusApi api;
    private final Duration timeout;
    private final Duration total;
    private final LongSupplier nanoTime;
    private final long deadline;
    private int sent;

    DeadlineQueries(PrometheusApi api, Duration timeout, LongSupplier nanoTime) {
      this.api = api;
      this.timeout = timeout;
      this.total = timeout.multipliedBy(OBSERVE_DEADLINE_TIMEOUTS);
      this.nanoTime = nanoTime;
      this.deadline = nanoTime.getAsLong() + total.toNanos();
    }

    List<Sample> query(String promql, Instant time, Signal signal) throws MetricsUnavailableException {
      Duration wait = nextWait(promql, signal);
      try {
        return api.query(promql, time, signal, wait);
      } catch (MetricsUnavailableException e) {
        throw cutShort(e, wait, promql, signal);
      }
    }

    List<Series> queryRange(String promql, Instant start, Instant end, Duration step, Signal signal)
        throws MetricsUnavailableException {
      Duration wait = nextWait(promql, signal);
      try {
        return api.queryRange(promql, start, end, step, signal, wait);
      } catch (MetricsUnavailableException e) {
        throw cutShort(e, wait, promql, signal);
      }
    }

    private Duration nextWait(String promql, Signal signal) throws MetricsUnavailableException {
      long left = deadline - nanoTime.getAsLong();
      if (left <= 0) {
        throw passed(promql, signal, null);
      }
      sent++;
      return left < timeout.toNanos() ? Duration.ofNanos(left) : timeout;
    }

    /** A query that timed out on the time left rather than on metrics.timeout is the deadline's doing. */
    private MetricsUnavailableException cutShort(MetricsUnavailableException e, Duration wait, String promql, Signal signal) {
      boolean deadlineTimedItOut = e.problem() == MetricsProblem.TIMEOUT && wait.compareTo(timeout) < 0
          && nanoTime.getAsLong() - deadline >= 0;
      return deadlineTimedItOut ? passed(promql, signal, e) : e;
    }

    private MetricsUnavailableException passed(String promql, Signal signal, Throwable cause) {
      return new MetricsUnavailableException(MetricsProblem.TIMEOUT, signal, promql, "the observe's deadline of "
          + PrometheusSource.promDuration(total) + " (" + OBSERVE_DEADLINE_TIMEOUTS + " × metrics.timeout) passed with "
          + sent + " queries sent; the rest were not sent", cause);
    }
  }

  /** The PromQL built for each signal from the selector and the window (for docs, logs and tests). */
  public static Map<Signal, String> queries(PrometheusSource config, ObservationWindow observed) {
    Queries q = new Queries(config.matchers(), PrometheusSource.promDuration(observed.length()));
    Map<Signal, String> map = new EnumMap<>(Signal.class);
    map.put(Signal.RUNNING, q.sum(RUNNING));
    map.put(Signal.WAITING, q.sum(WAITING));
    map.put(Signal.IN_SYSTEM, q.inSystem());
    map.put(Signal.COMPLETIONS, q.increase(SUCCESS));
    map.put(Signal.ARRIVALS, q.increase(SUCCESS) + " + Δ(" + q.inSystem() + ") over the window");
    map.put(Signal.PROMPT_TOKENS, q.buckets(PROMPT_TOKENS));
    map.put(Signal.OUTPUT_TOKENS, q.buckets(GENERATION_TOKENS));
    map.put(Signal.KV_CACHE_USAGE, q.avg(VllmMetricCatalog.KV_USAGE_V1) + " (V0: " + VllmMetricCatalog.KV_USAGE_V0 + ")");
    map.put(Signal.KV_CACHE_TOKENS, CACHE_CONFIG + q.m + ", else " + q.joined(CACHE_CONFIG));
    map.put(Signal.PREEMPTIONS, q.rate(PREEMPTIONS));
    map.put(Signal.STEPS, q.rate(ITERATION_TOKENS + "_count"));
    map.put(Signal.TOKENS_PER_STEP, q.ratio(ITERATION_TOKENS));
    map.put(Signal.STEP_SECONDS, q.ratio(VllmMetricCatalog.INTER_TOKEN_V1) + " (V0: " + VllmMetricCatalog.INTER_TOKEN_V0 + ")");
    map.put(Signal.REPLICAS, "count(" + RUNNING + q.m + ")");
    return map;
  }

  /** PromQL builders for one selector and one range. */
  private record Queries(String m, String range) {
    String sum(String metric) {
      return "sum(" + metric + m + ")";
    }

    String min(String metric) {
      return "min(" + metric + m + ")";
    }

    String avg(String metric) {
      return "avg(" + metric + m + ")";
    }

    String inSystem() {
      return sum(RUNNING) + " + " + sum(WAITING);
    }

    String increase(String counter) {
      return "sum(increase(" + counter + m + "[" + range + "]))";
    }

    String rate(String counter) {
      return "sum(rate(" + counter + m + "[" + range + "]))";
    }

    /** {@link #rate} between each series' newest two samples in the range. */
    String irate(String counter) {
      return "sum(irate(" + counter + m + "[" + range + "]))";
    }

    String ratio(String histogram) {
      return rate(histogram + "_sum") + " / " + rate(histogram + "_count");
    }

    /** The mean prompt of the requests whose first token came in the range: prompt tokens counted at prefill, per first token. */
    String promptPerFirstToken() {
      return increase(VllmMetricCatalog.PROMPT_TOKENS_TOTAL) + " / " + firstTokens();
    }

    /** {@link #promptPerFirstToken}, with no sample where no request got its first token, rather than a division by 0. */
    String promptPerFirstTokenWhereAny() {
      return increase(VllmMetricCatalog.PROMPT_TOKENS_TOTAL) + " / (" + firstTokens() + " > 0)";
    }

    /**
     * {@link #promptPerFirstTokenWhereAny} between each series' newest two scrapes ({@code irate}), the
     * shortest span the counters resolve; the range only bounds how far back they may lie.
     */
    String promptPerFirstTokenSinceLastScrape() {
      return irate(VllmMetricCatalog.PROMPT_TOKENS_TOTAL) + " / (" + irate(VllmMetricCatalog.TTFT + "_count") + " > 0)";
    }

    private String firstTokens() {
      return increase(VllmMetricCatalog.TTFT + "_count");
    }

    String buckets(String histogram) {
      return "sum by (le) (increase(" + histogram + "_bucket" + m + "[" + range + "]))";
    }

    String avgOverTime(String gauge) {
      return "avg(avg_over_time(" + gauge + m + "[" + range + "]))";
    }

    String joined(String info) {
      return info + " and on (job, instance) " + RUNNING + m;
    }
  }

  private static final class Run {
    private final PrometheusSource config;
    private final ObservationWindow observed;
    private final DeadlineQueries api;
    private final Instant at;
    private final Queries window;
    private final Queries step;
    private final Queries recent;
    private final Map<Signal, String> found = new EnumMap<>(Signal.class);
    private final List<Signal> missing = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Set<String> names = Set.of();

    Run(PrometheusSource config, ObservationWindow observed, DeadlineQueries api, Instant at) {
      this.config = config;
      this.observed = observed;
      this.api = api;
      this.at = at;
      this.window = new Queries(config.matchers(), PrometheusSource.promDuration(observed.length()));
      this.step = new Queries(config.matchers(), PrometheusSource.promDuration(observed.resolution()));
      this.recent = new Queries(config.matchers(), PrometheusSource.promDuration(observed.recentSpan()));
    }

    GatewayReading gateway() throws MetricsUnavailableException {
      if (config.override(Signal.GATEWAY_QUEUE).isEmpty()) {
        throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.GATEWAY_QUEUE, "",
            "no replica serves and no gateway queue query is given: set metrics.queries.gatewayQueue to the gateway's held requests");
      }
      double held = overridden(Signal.GATEWAY_QUEUE).getAsDouble();
      OptionalDouble arrivals = OptionalDouble.empty();
      Optional<String> promql = config.override(Signal.ARRIVALS).map(q -> substitute(q, observed.length()));
      if (promql.isPresent()) {
        arrivals = single(Signal.ARRIVALS, promql.get(), api.query(promql.get(), at, Signal.ARRIVALS));
      }
      return new GatewayReading(held, arrivals);
    }

    Observation observe() throws MetricsUnavailableException {
      names = discover();
      List<Sample> running = api.query(RUNNING + window.m, at, Signal.RUNNING);
      if (running.isEmpty()) {
        throw staleOrMissing();
      }
      Duration age = newestSampleAge();
      if (age.compareTo(config.maxStaleness()) > 0) {
        throw new MetricsUnavailableException(MetricsProblem.STALE, Signal.RUNNING, "timestamp(" + RUNNING + window.m + ")",
            "the newest sample is " + age.toSeconds() + " s old, more than the allowed " + config.maxStaleness().toSeconds() + " s");
      }
      found.put(Signal.RUNNING, RUNNING);
      int replicas = running.size();
      OptionalDouble replicasOverride = overridden(Signal.REPLICAS);
      if (replicasOverride.isPresent()) {
        replicas = (int) Math.round(replicasOverride.getAsDouble());
      }
      double runningNow = overridden(Signal.RUNNING).orElse(sumOf(running, Signal.RUNNING, RUNNING + window.m));
      double waitingNow = required(Signal.WAITING, window.sum(WAITING), WAITING);
      // Whether every replica has a queue: the sum cannot tell one swamped replica from all of them busy.
      String leastWaitingQuery = window.min(WAITING);
      OptionalDouble leastWaiting = single(Signal.WAITING, leastWaitingQuery, api.query(leastWaitingQuery, at, Signal.WAITING));
      double inSystemNow = overridden(Signal.IN_SYSTEM).orElse(runningNow + waitingNow);
      OptionalDouble arrivalsOverride = overridden(Signal.ARRIVALS);

      double completions;
      OptionalDouble completionRate = overridden(Signal.COMPLETIONS);
      if (completionRate.isPresent()) {
        completions = completionRate.getAsDouble() * seconds(observed.length());
      } else if (arrivalsOverride.isPresent() && !names.contains(SUCCESS)) {
        completions = 0;
        notes.add(SUCCESS + " not found; arrivals come from the override alone");
      } else {
        completions = required(Signal.COMPLETIONS, window.increase(SUCCESS), SUCCESS);
      }

      Optional<WindowHistogram> prompt = histogram(Signal.PROMPT_TOKENS, PROMPT_TOKENS);
      Optional<WindowHistogram> output = histogram(Signal.OUTPUT_TOKENS, GENERATION_TOKENS);
      OptionalDouble meanPrompt = overridden(Signal.PROMPT_TOKENS);
      OptionalDouble meanOutput = overridden(Signal.OUTPUT_TOKENS);

      Optional<String> kvUsageName = firstFound(VllmMetricCatalog.KV_USAGE);
      OptionalDouble kvUsage = overridden(Signal.KV_CACHE_USAGE);
      if (kvUsage.isEmpty()) {
        kvUsage = kvUsageName.isPresent() ? optional(Signal.KV_CACHE_USAGE, window.avg(kvUsageName.get()), kvUsageName.get())
            : absent(Signal.KV_CACHE_USAGE);
      }
      if (kvUsage.isPresent() && kvUsage.getAsDouble() > 1.0 + 1e-9) {
        throw new MetricsUnavailableException(MetricsProblem.MALFORMED, Signal.KV_CACHE_USAGE, null,
            "KV-cache usage is " + kvUsage.getAsDouble() + ", above 1 (it is a fraction, not a percentage)");
      }

      Optional<KvCacheCapacity> kvCache = kvCache();
      OptionalDouble preemptions = overridden(Signal.PREEMPTIONS);
      if (preemptions.isEmpty()) {
        preemptions = names.contains(PREEMPTIONS) ? optional(Signal.PREEMPTIONS, window.rate(PREEMPTIONS), PREEMPTIONS)
            : absent(Signal.PREEMPTIONS);
      }
      boolean iterations = names.contains(ITERATION_TOKENS + "_count");
      OptionalDouble steps = overridden(Signal.STEPS);
      if (steps.isEmpty()) {
        steps = iterations ? optional(Signal.STEPS, window.rate(ITERATION_TOKENS + "_count"), ITERATION_TOKENS)
            : absent(Signal.STEPS);
      }
      OptionalDouble tokensPerStep = overridden(Signal.TOKENS_PER_STEP);
      if (tokensPerStep.isEmpty()) {
        tokensPerStep = iterations ? optional(Signal.TOKENS_PER_STEP, window.ratio(ITERATION_TOKENS), ITERATION_TOKENS)
            : absent(Signal.TOKENS_PER_STEP);
      }
      Optional<String> interToken = firstFound(VllmMetricCatalog.INTER_TOKEN.stream().map(n -> n + "_count").toList())
          .map(n -> n.substring(0, n.length() - "_count".length()));
      OptionalDouble stepSeconds = overridden(Signal.STEP_SECONDS);
      if (stepSeconds.isEmpty()) {
        stepSeconds = interToken.isPresent() ? optional(Signal.STEP_SECONDS, window.ratio(interToken.get()), interToken.get())
            : absent(Signal.STEP_SECONDS);
      }

      OptionalDouble ttftOverride = overridden(Signal.TTFT);
      Optional<WindowHistogram> ttft = ttftOverride.isPresent() ? Optional.empty() : histogram(Signal.TTFT, VllmMetricCatalog.TTFT);
      OptionalDouble recentPrompt = overridden(Signal.RECENT_PROMPT_TOKENS);
      if (recentPrompt.isEmpty()) {
        recentPrompt = names.contains(VllmMetricCatalog.PROMPT_TOKENS_TOTAL) && names.contains(VllmMetricCatalog.TTFT + "_count")
            ? optional(Signal.RECENT_PROMPT_TOKENS, recent.promptPerFirstToken(), VllmMetricCatalog.PROMPT_TOKENS_TOTAL)
            : absent(Signal.RECENT_PROMPT_TOKENS);
      }
      // The newest scrape interval alone: read only beside the recent span's, and not counted as a signal of its own.
      OptionalDouble latestPrompt = recentPrompt.isPresent() && overridden(Signal.RECENT_PROMPT_TOKENS).isEmpty()
          ? latest(recent.promptPerFirstTokenSinceLastScrape())
          : OptionalDouble.empty();
      OptionalDouble gatewayQueue = overridden(Signal.GATEWAY_QUEUE);

      Intervals intervals = intervals(arrivalsOverride.isPresent(), kvUsageName, interToken, iterations,
          recentPrompt.isPresent() && overridden(Signal.RECENT_PROMPT_TOKENS).isEmpty());
      return new Observation(at, observed, metricNames(),
          new Observation.RequestFlow(completions, inSystemNow, intervals.inSystemAtStart, arrivalsOverride),
          new Observation.Occupancy(replicas, runningNow, waitingNow, leastWaiting, kvUsage, gatewayQueue),
          new Observation.TokenLengths(prompt, output, meanPrompt, meanOutput, recentPrompt, latestPrompt),
          new Observation.EngineSignals(kvCache, preemptions, steps, tokensPerStep, stepSeconds, ttft, ttftOverride), intervals.samples,
          age, notes);
    }

    /** The vLLM metric names that have samples for the selector now. */
    private Set<String> discover() throws MetricsUnavailableException {
      String selector = config.selector().isEmpty() ? "" : "," + config.selector();
      String promql = "count by (__name__) ({__name__=~\"vllm:.+\"" + selector + "})";
      Set<String> result = new TreeSet<>();
      for (Sample s : api.query(promql, at, null)) {
        String name = s.labels().get("__name__");
        if (name == null) {
          throw PrometheusClient.malformed(promql, null, "a series without __name__ in the answer to count by (__name__)");
        }
        result.add(name);
      }
      return result;
    }

    private MetricsUnavailableException staleOrMissing() throws MetricsUnavailableException {
      String recent = "present_over_time(" + RUNNING + window.m + "[" + PrometheusSource.promDuration(STALENESS_HORIZON) + "])";
      if (!api.query(recent, at, Signal.RUNNING).isEmpty()) {
        return new MetricsUnavailableException(MetricsProblem.STALE, Signal.RUNNING, RUNNING + window.m,
            "the service's series existed in the last hour but have no current sample (scrapes failing or pods gone)");
      }
      String detail = names.isEmpty()
          ? "no vllm: series match the selector {" + config.selector() + "}"
          : "no " + RUNNING + " series match the selector; vllm: names that do: " + String.join(", ", names);
      return new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.RUNNING, RUNNING + window.m, detail);
    }

    private Duration newestSampleAge() throws MetricsUnavailableException {
      String promql = "max(timestamp(" + RUNNING + window.m + "))";
      List<Sample> stamps = api.query(promql, at, Signal.RUNNING);
      if (stamps.isEmpty()) {
        throw new MetricsUnavailableException(MetricsProblem.NO_DATA, Signal.RUNNING, promql, "no sample timestamps");
      }
      double newest = stamps.get(0).value();
      if (!Double.isFinite(newest)) {
        throw PrometheusClient.malformed(promql, Signal.RUNNING, "sample timestamp is " + newest);
      }
      long millis = at.toEpochMilli() - Math.round(newest * 1000);
      return Duration.ofMillis(Math.max(0, millis));
    }

    private Optional<String> firstFound(List<String> candidates) {
      return candidates.stream().filter(names::contains).findFirst();
    }

    private OptionalDouble absent(Signal signal) {
      missing.add(signal);
      return OptionalDouble.empty();
    }

    /** The user's PromQL for a signal, if any, evaluated at the end of the window. */
    private OptionalDouble overridden(Signal signal) throws MetricsUnavailableException {
      Optional<String> promql = config.override(signal).map(q -> substitute(q, observed.length()));
      if (promql.isEmpty()) {
        return OptionalDouble.empty();
      }
      OptionalDouble value = single(signal, promql.get(), api.query(promql.get(), at, signal));
      if (value.isEmpty()) {
        throw new MetricsUnavailableException(MetricsProblem.NO_DATA, signal, promql.get(),
            "the override returned nothing (or NaN)");
      }
      found.put(signal, "override");
      return value;
    }

    private String substitute(String promql, Duration range) {
      return promql.replace("$selector", config.selector()).replace("$window", PrometheusSource.promDuration(range));
    }

    private double required(Signal signal, String promql, String metric) throws MetricsUnavailableException {
      OptionalDouble value = single(signal, promql, api.query(promql, at, signal));
      if (value.isEmpty()) {
        throw new MetricsUnavailableException(MetricsProblem.NO_DATA, signal, promql,
            metric + " has no series for the selector {" + config.selector() + "}");
      }
      found.put(signal, metric);
      return value.getAsDouble();
    }

    private OptionalDouble latest(String promql) throws MetricsUnavailableException {
      return single(Signal.RECENT_PROMPT_TOKENS, promql, api.query(promql, at, Signal.RECENT_PROMPT_TOKENS));
    }

    private OptionalDouble optional(Signal signal, String promql, String metric) throws MetricsUnavailableException {
      OptionalDouble value = single(signal, promql, api.query(promql, at, signal));
      if (value.isPresent()) {
        found.put(signal, metric);
      } else {
        missing.add(signal);
      }
      return value;
    }

    /** The one value of an aggregated query; empty for no sample or NaN (0/0: nothing happened in the window). */
    private static OptionalDouble single(Signal signal, String promql, List<Sample> samples) throws MetricsUnavailableException {
      if (samples.isEmpty()) {
        return OptionalDouble.empty();
      }
      if (samples.size() > 1) {
        throw PrometheusClient.malformed(promql, signal, "expected one value, got " + samples.size()
            + " series; aggregate the query, e.g. sum(...)");
      }
      return checked(signal, promql, samples.get(0).value());
    }

    private static OptionalDouble checked(Signal signal, String promql, double v) throws MetricsUnavailableException {
      if (Double.isNaN(v)) {
        return OptionalDouble.empty();
      }
      if (Double.isInfinite(v) || v < 0) {
        throw PrometheusClient.malformed(promql, signal, "value " + v + " is not a finite number >= 0");
      }
      return OptionalDouble.of(v);
    }

    private static double sumOf(List<Sample> samples, Signal signal, String promql) throws MetricsUnavailableException {
      double total = 0;
      for (Sample s : samples) {
        OptionalDouble v = checked(signal, promql, s.value());
        total += v.orElse(0);
      }
      return total;
    }

    private Optional<WindowHistogram> histogram(Signal signal, String metric) throws MetricsUnavailableException {
      if (!names.contains(metric + "_bucket")) {
        missing.add(signal);
        return Optional.empty();
      }
      String bucketQuery = window.buckets(metric);
      List<WindowHistogram.Bucket> buckets = new ArrayList<>();
      for (Sample s : api.query(bucketQuery, at, signal)) {
        String le = s.labels().get("le");
        if (le == null) {
          throw PrometheusClient.malformed(bucketQuery, signal, "a bucket without le label");
        }
        double bound;
        try {
          bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        } catch (NumberFormatException e) {
          throw PrometheusClient.malformed(bucketQuery, signal, "a bucket's le label is not a number");
        }
        OptionalDouble count = checked(signal, bucketQuery, s.value());
        buckets.add(new WindowHistogram.Bucket(bound, count.orElse(0)));
      }
      buckets.sort((a, b) -> Double.compare(a.upperBound(), b.upperBound()));
      OptionalDouble sum = single(signal, window.increase(metric + "_sum"), api.query(window.increase(metric + "_sum"), at, signal));
      OptionalDouble count = single(signal, window.increase(metric + "_count"), api.query(window.increase(metric + "_count"), at, signal));
      if (buckets.isEmpty() || sum.isEmpty()) {
        missing.add(signal);
        notes.add(metric + " has buckets but no _sum in the window");
        return Optional.empty();
      }
      double requests = count.isPresent() ? count.getAsDouble() : buckets.get(buckets.size() - 1).cumulativeCount();
      found.put(signal, metric);
      return Optional.of(new WindowHistogram(metric, buckets, sum.getAsDouble(), requests));
    }

    private Optional<KvCacheCapacity> kvCache() throws MetricsUnavailableException {
      OptionalDouble given = overridden(Signal.KV_CACHE_TOKENS);
      if (given.isPresent()) {
        long tokens = Math.round(given.getAsDouble());
        if (tokens <= 0) {
          throw PrometheusClient.malformed(config.overrides().get(Signal.KV_CACHE_TOKENS), Signal.KV_CACHE_TOKENS,
              "the KV-cache override gave " + given.getAsDouble() + " tokens");
        }
        return Optional.of(new KvCacheCapacity(tokens, tokens, 1, "override"));
      }
      String direct = CACHE_CONFIG + window.m;
      List<Sample> info = api.query(direct, at, Signal.KV_CACHE_TOKENS);
      String via = "";
      if (info.isEmpty() && !config.selector().isEmpty()) {
        // Older vLLM puts no model_name on cache_config_info: join it to the service's own series.
        String joined = window.joined(CACHE_CONFIG);
        info = api.query(joined, at, Signal.KV_CACHE_TOKENS);
        via = ", joined to the service's series by job and instance";
      }
      if (info.isEmpty()) {
        missing.add(Signal.KV_CACHE_TOKENS);
        return Optional.empty();
      }
      long smallest = Long.MAX_VALUE;
      long largest = 0;
      int reporting = 0;
      String how = "";
      for (Sample s : info) {
        Optional<long[]> size = cacheSize(s.labels());
        if (size.isEmpty()) {
          continue;
        }
        long tokens = size.get()[0];
        how = size.get()[1] == 0 ? VllmMetricCatalog.LABEL_KV_TOKENS + " label"
            : "num_gpu_blocks × block_size (" + size.get()[1] + " × " + size.get()[2] + ")";
        smallest = Math.min(smallest, tokens);
        largest = Math.max(largest, tokens);
        reporting++;
      }
      if (reporting == 0) {
        missing.add(Signal.KV_CACHE_TOKENS);
        notes.add(CACHE_CONFIG + " has neither a numeric " + VllmMetricCatalog.LABEL_KV_TOKENS + " label nor numeric "
            + VllmMetricCatalog.LABEL_GPU_BLOCKS + " and " + VllmMetricCatalog.LABEL_BLOCK_SIZE + " labels");
        return Optional.empty();
      }
      found.put(Signal.KV_CACHE_TOKENS, CACHE_CONFIG);
      return Optional.of(new KvCacheCapacity(smallest, largest, reporting, how + via));
    }

    /** {tokens, blocks, block size}, blocks = 0 when the size label was used. */
    private static Optional<long[]> cacheSize(Map<String, String> labels) {
      Optional<Long> tokens = positiveLong(labels.get(VllmMetricCatalog.LABEL_KV_TOKENS));
      if (tokens.isPresent()) {
        return Optional.of(new long[] {tokens.get(), 0, 0});
      }
      Optional<Long> blocks = positiveLong(labels.get(VllmMetricCatalog.LABEL_GPU_BLOCKS));
      Optional<Long> blockSize = positiveLong(labels.get(VllmMetricCatalog.LABEL_BLOCK_SIZE));
      if (blocks.isPresent() && blockSize.isPresent()) {
        return Optional.of(new long[] {blocks.get() * blockSize.get(), blocks.get(), blockSize.get()});
      }
      return Optional.empty();
    }

    private static Optional<Long> positiveLong(String text) {
      if (text == null) {
        return Optional.empty();
      }
      try {
        double v = Double.parseDouble(text.strip());
        return v > 0 && v == Math.rint(v) && v < Long.MAX_VALUE ? Optional.of((long) v) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    private record Intervals(List<IntervalSample> samples, OptionalDouble inSystemAtStart) {}

    /** The window cut into sub-intervals: arrivals, step counts, KV usage, step time and the prompts' mean in each. */
    private Intervals intervals(boolean arrivalsOverridden, Optional<String> kvUsageName, Optional<String> interToken,
        boolean iterations, boolean promptMeans) throws MetricsUnavailableException {
      Duration r = observed.resolution();
      long k = Math.max(1, observed.length().toMillis() / r.toMillis());
      Instant first = at.minus(r.multipliedBy(k - 1));
      double length = seconds(r);

      Map<Instant, Double> arrivals = new TreeMap<>();
      OptionalDouble inSystemAtStart = OptionalDouble.empty();
      if (arrivalsOverridden) {
        String promql = substitute(config.overrides().get(Signal.ARRIVALS), r);
        range(Signal.ARRIVALS, promql, first).forEach((t, rate) -> arrivals.put(t, rate * length));
      } else {
        String inSystemQuery = config.override(Signal.IN_SYSTEM).map(q -> substitute(q, r)).orElse(step.inSystem());
        Map<Instant, Double> inSystem = range(Signal.IN_SYSTEM, inSystemQuery, first.minus(r));
        Map<Instant, Double> completed = config.override(Signal.COMPLETIONS)
            .map(q -> substitute(q, r)).isPresent()
            ? scaled(range(Signal.COMPLETIONS, substitute(config.overrides().get(Signal.COMPLETIONS), r), first), length)
            : counterIncreases(Signal.COMPLETIONS, SUCCESS + step.m, first.minus(r));
        Instant start = first.minus(r);
        if (inSystem.containsKey(start)) {
          inSystemAtStart = OptionalDouble.of(inSystem.get(start));
        } else {
          notes.add("running + waiting has no sample at the start of the window (the service is younger than the window)");
        }
        for (Map.Entry<Instant, Double> c : completed.entrySet()) {
          Double now = inSystem.get(c.getKey());
          Double before = inSystem.get(c.getKey().minus(r));
          if (now != null && before != null) {
            arrivals.put(c.getKey(), c.getValue() + now - before);
          }
        }
      }
      Map<Instant, Double> stepsPerReplica = iterations
          ? range(Signal.STEPS, step.rate(ITERATION_TOKENS + "_count") + " / count(" + RUNNING + step.m + ")", first) : Map.of();
      Map<Instant, Double> tokensPerStep = iterations ? range(Signal.TOKENS_PER_STEP, step.ratio(ITERATION_TOKENS), first) : Map.of();
      Map<Instant, Double> kv = kvUsageName.isPresent()
          ? range(Signal.KV_CACHE_USAGE, step.avgOverTime(kvUsageName.get()), first) : Map.of();
      Map<Instant, Double> itl = interToken.isPresent() ? range(Signal.STEP_SECONDS, step.ratio(interToken.get()), first) : Map.of();
      Map<Instant, Double> prompts = promptMeans ? range(Signal.RECENT_PROMPT_TOKENS, step.promptPerFirstTokenWhereAny(), first)
          : Map.of();

      List<IntervalSample> samples = new ArrayList<>();
      for (Map.Entry<Instant, Double> a : arrivals.entrySet()) {
        Instant t = a.getKey();
        samples.add(new IntervalSample(t, a.getValue(), value(stepsPerReplica, t), value(tokensPerStep, t), value(kv, t),
            value(itl, t), value(prompts, t)));
      }
      return new Intervals(samples, inSystemAtStart);
    }

    /**
     * What a counter's series added in each sub-interval, from their raw values at the step times
     * (the newest scrape at or before each step), so that sub-interval counts are exact rather than
     * extrapolated as {@code increase()} extrapolates them. A value below the previous one is a
     * reset (the new value counts from 0). A series' first sample adds nothing, wherever it falls:
     * what it counted before is unknown, and taking its whole value would read a pod that comes
     * back after its series went stale, or a new replica whose first scrape came late, as a burst
     * of its lifetime's requests. The increase across a gap in a series is spread over the
     * sub-intervals of the gap rather than read as one sub-interval's burst. A series that
     * disappears adds nothing afterwards.
     */
    private Map<Instant, Double> counterIncreases(Signal signal, String promql, Instant start) throws MetricsUnavailableException {
      Map<Instant, Double> out = new TreeMap<>();
      Instant first = start.plus(observed.resolution());
      for (Instant t = first; !t.isAfter(at); t = t.plus(observed.resolution())) {
        out.put(t, 0.0);
      }
      Duration r = observed.resolution();
      for (Series series : api.queryRange(promql, start, at, r, signal)) {
        double last = Double.NaN;
        Instant lastTime = null;
        for (Point p : series.points()) {
          double v = p.value();
          if (Double.isNaN(v)) {
            continue;
          }
          if (Double.isInfinite(v) || v < 0) {
            throw PrometheusClient.malformed(promql, signal, "counter value " + v + " at " + p.timestamp());
          }
          Instant t = p.timestamp().truncatedTo(ChronoUnit.MILLIS);
          if (!Double.isNaN(last)) {
            double added = v >= last ? v - last : v;
            long steps = Math.max(1, Duration.between(lastTime, t).toMillis() / r.toMillis());
            for (long k = 0; k < steps; k++) {
              Instant in = t.minus(r.multipliedBy(k));
              if (out.containsKey(in)) {
                out.merge(in, added / steps, Double::sum);
              }
            }
          }
          last = v;
          lastTime = t;
        }
      }
      return out;
    }

    private static Map<Instant, Double> scaled(Map<Instant, Double> rates, double seconds) {
      Map<Instant, Double> out = new TreeMap<>();
      rates.forEach((t, v) -> out.put(t, v * seconds));
      return out;
    }

    private static OptionalDouble value(Map<Instant, Double> series, Instant t) {
      Double v = series.get(t);
      return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** One aggregated series at the resolution, from {@code start} to the end of the window; NaN points dropped. */
    private Map<Instant, Double> range(Signal signal, String promql, Instant start) throws MetricsUnavailableException {
      List<Series> series = api.queryRange(promql, start, at, observed.resolution(), signal);
      Map<Instant, Double> points = new TreeMap<>();
      if (series.isEmpty()) {
        return points;
      }
      if (series.size() > 1) {
        throw PrometheusClient.malformed(promql, signal, "expected one series, got " + series.size()
            + "; aggregate the query, e.g. sum(...)");
      }
      for (Point p : series.get(0).points()) {
        if (Double.isNaN(p.value())) {
          continue;
        }
        if (Double.isInfinite(p.value())) {
          throw PrometheusClient.malformed(promql, signal, "value " + p.value() + " at " + p.timestamp());
        }
        points.put(p.timestamp().truncatedTo(ChronoUnit.MILLIS), p.value());
      }
      return points;
    }

    private VllmMetricNames metricNames() {
      boolean v1 = names.contains(VllmMetricCatalog.KV_USAGE_V1) || names.contains(VllmMetricCatalog.INTER_TOKEN_V1 + "_count");
      boolean v0 = names.contains(VllmMetricCatalog.KV_USAGE_V0) || names.contains(VllmMetricCatalog.INTER_TOKEN_V0 + "_count");
      boolean both = names.contains(VllmMetricCatalog.KV_USAGE_V1) && names.contains(VllmMetricCatalog.KV_USAGE_V0);
      VllmMetricNames.Generation generation = both ? VllmMetricNames.Generation.MIXED
          : v1 ? VllmMetricNames.Generation.V1 : v0 ? VllmMetricNames.Generation.V0 : VllmMetricNames.Generation.UNKNOWN;
      List<Signal> gone = missing.stream().distinct().filter(s -> !found.containsKey(s)).toList();
      return new VllmMetricNames(generation, found, gone);
    }

    private static double seconds(Duration d) {
      return d.toMillis() / 1000.0;
    }
  }
}
