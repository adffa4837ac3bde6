package io.stableserve.bench;

import io.stableserve.observe.WindowHistogram;
import io.stableserve.sim.Fleet;
import io.stableserve.sim.Replica;
import io.stableserve.sim.metrics.Histogram;
import io.stableserve.sim.metrics.VllmMetricsSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * What a monitoring stack scraping the simulated fleet would hold, and the only thing the policies
 * under test may read: per-pod gauges scraped every second from the replicas that serve metrics
 * (a replica still loading its model serves none), and the fleet's vLLM counters and token
 * histograms, snapshotted every control period.
 *
 * <p>Counters are summed over every replica the fleet ever had, so a window's increase is what
 * {@code sum(increase(x[W]))} gives over all series, including those of replicas removed within
 * the window (their counters stop moving when they go). Prometheus's extrapolation of
 * {@code increase} to the window's edges is left out: snapshots fall exactly on the window's edges.
 */
public final class FleetMetrics {

  /**
   * The gauges of one replica at one scrape.
   *
   * @param replica the replica's index in the fleet
   * @param draining the replica was removed and is finishing its requests (its pod is terminating)
   */
  public record PodReading(int replica, boolean draining, int running, int waiting, double kvCacheUsage) {
    /** Requests inside the pod: running plus waiting (what a Knative queue-proxy counts as in flight). */
    public int inFlight() {
      return running + waiting;
    }
  }

  /** One scrape: every pod that serves metrics, and the requests held at the router. */
  public record Scrape(double time, List<PodReading> pods, int atRouter) {}

  /**
   * The fleet's counters at one instant.
   *
   * @param completions {@code vllm:request_success_total}, summed
   * @param inSystem {@code vllm:num_requests_running + vllm:num_requests_waiting} over the pods that serve metrics
   * @param promptTokensStarted {@code vllm:prompt_tokens_total}: prompt tokens of the requests that got their first token
   * @param ttft {@code vllm:time_to_first_token_seconds}, summed; null when not recorded
   * @param atGateway requests held in front of the replicas (at the router or a gateway's flow control)
   */
  public record Counters(double time, long completions, double inSystem, long preemptions,
      WindowHistogram prompt, WindowHistogram output, long promptTokensStarted, WindowHistogram ttft, int atGateway) {

    /** Counters without the first-token figures (tests build them by hand). */
    public Counters(double time, long completions, double inSystem, long preemptions, WindowHistogram prompt,
        WindowHistogram output) {
      this(time, completions, inSystem, preemptions, prompt, output, 0, null, 0);
    }
  }

  /**
   * What changed between two counter snapshots.
   *
   * @param arrivals completions plus the growth of running + waiting, as DESIGN §1.4 measures arrivals
   * @param promptTokensStarted the increase of {@code vllm:prompt_tokens_total}
   * @param ttft the increase of the TTFT histogram; its count is the requests that got their first token; null when not recorded
   */
  public record Increase(double from, double to, double completions, double arrivals, double preemptions,
      WindowHistogram prompt, WindowHistogram output, double promptTokensStarted, WindowHistogram ttft) {
    public double seconds() {
      return to - from;
    }
  }

  private final double retentionSeconds;
  private final ArrayDeque<Scrape> scrapes = new ArrayDeque<>();
  private final ArrayDeque<Counters> counters = new ArrayDeque<>();

  /** @param retentionSeconds how far back queries may look (the longest window of any policy) */
  public FleetMetrics(double retentionSeconds) {
    if (!(retentionSeconds > 0)) {
      throw new IllegalArgumentException("metrics retention must be positive, got " + retentionSeconds);
    }
    this.retentionSeconds = retentionSeconds;
  }

  // ---- recording (the benchmark loop) ----

  /** Reads every replica's gauges at the fleet's current time. */
  public void scrape(Fleet fleet) {
    List<PodReading> pods = new ArrayList<>();
    for (Replica r : fleet.liveReplicas()) {
      if (r.state() == Replica.State.READY || r.state() == Replica.State.DRAINING) {
        pods.add(new PodReading(r.index(), r.state() == Replica.State.DRAINING, r.engine().running(),
            r.engine().waiting(), r.engine().kvCacheUsage()));
      }
    }
    record(new Scrape(fleet.now(), List.copyOf(pods), fleet.sample().atRouter()));
  }

  /** Adds a scrape (tests build them by hand). */
  public void record(Scrape scrape) {
    if (!scrapes.isEmpty() && scrape.time() < scrapes.peekLast().time()) {
      throw new IllegalArgumentException("scrapes must come in time order");
    }
    scrapes.addLast(scrape);
    while (scrapes.peekFirst().time() < scrape.time() - retentionSeconds) {
      scrapes.removeFirst();
    }
  }

  /** Snapshots the fleet's counters and token histograms at its current time. */
  public void snapshotCounters(Fleet fleet) {
    long completions = 0;
    long preemptions = 0;
    Histogram prompt = null;
    Histogram output = null;
    double inSystem = 0;
    double[] promptCounts = null;
    double[] outputCounts = null;
    double promptSum = 0, outputSum = 0, promptCount = 0, outputCount = 0;
    long promptTokensStarted = 0;
    Histogram ttftShape = null;
    double[] ttftCounts = null;
    double ttftSum = 0, ttftCount = 0;
    for (Replica r : fleet.replicas()) {
      VllmMetricsSnapshot m = fleet.metrics(r);
      completions += m.successTotal();
      promptTokensStarted += m.promptTokens();
      if (ttftShape == null) {
        ttftShape = m.timeToFirstToken();
        ttftCounts = new double[ttftShape.bucketCount()];
      }
      add(ttftCounts, m.timeToFirstToken());
      ttftSum += m.timeToFirstToken().sum();
      ttftCount += m.timeToFirstToken().count();
      preemptions += m.preemptions();
      if (r.state() == Replica.State.READY || r.state() == Replica.State.DRAINING) {
        inSystem += m.running() + m.waiting();
      }
      if (prompt == null) {
        prompt = m.requestPromptTokens();
        output = m.requestGenerationTokens();
        promptCounts = new double[prompt.bucketCount()];
        outputCounts = new double[output.bucketCount()];
      }
      add(promptCounts, m.requestPromptTokens());
      add(outputCounts, m.requestGenerationTokens());
      promptSum += m.requestPromptTokens().sum();
      promptCount += m.requestPromptTokens().count();
      outputSum += m.requestGenerationTokens().sum();
      outputCount += m.requestGenerationTokens().count();
    }
    WindowHistogram p = prompt == null ? null : histogram("vllm:request_prompt_tokens", prompt, promptCounts, promptSum, promptCount);
    WindowHistogram o = output == null ? null : histogram("vllm:request_generation_tokens", output, outputCounts, outputSum, outputCount);
    WindowHistogram ttft = ttftShape == null ? null
        : histogram("vllm:time_to_first_token_seconds", ttftShape, ttftCounts, ttftSum, ttftCount);
    record(new Counters(fleet.now(), completions, inSystem, preemptions, p, o, promptTokensStarted, ttft, fleet.sample().atRouter()));
  }

  private static void add(double[] cumulative, Histogram h) {
    for (int i = 0; i < cumulative.length; i++) {
      cumulative[i] += h.cumulativeCount(i);
    }
  }

  private static WindowHistogram histogram(String name, Histogram shape, double[] cumulative, double sum, double count) {
    double[] bounds = new double[cumulative.length];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = shape.bound(i);
    }
    return WindowHistogram.of(name, bounds, cumulative, sum, count);
  }


  /** Adds a counter snapshot (tests build them by hand). */
  public void record(Counters snapshot) {
    if (!counters.isEmpty() && snapshot.time() < counters.peekLast().time()) {
      throw new IllegalArgumentException("counter snapshots must come in time order");
    }
    counters.addLast(snapshot);
    while (counters.peekFirst().time() < snapshot.time() - retentionSeconds) {
      counters.removeFirst();
    }
  }

  // ---- queries (the policies) ----

  /** Time of the newest scrape, or 0 before any. */
  public double now() {
    return scrapes.isEmpty() ? 0 : scrapes.peekLast().time();
  }

  /** The newest scrape's pods: every pod that serves metrics, draining ones included. */
  public List<PodReading> latest() {
    return scrapes.isEmpty() ? List.of() : scrapes.peekLast().pods();
  }

  /** Requests held at the router in the newest scrape. */
  public int latestAtRouter() {
    return scrapes.isEmpty() ? 0 : scrapes.peekLast().atRouter();
  }

  /**
   * {@code max_over_time(gauge[window])} per pod, for the pods that serve metrics now and are not
   * draining, over the scrapes in (now − window, now].
   */
  public Map<Integer, Double> maxOverTime(ToDoubleFunction<PodReading> gauge, double windowSeconds) {
    Map<Integer, Double> max = new LinkedHashMap<>();
    for (PodReading p : latest()) {
      if (!p.draining()) {
        max.put(p.replica(), gauge.applyAsDouble(p));
      }
    }
    double cutoff = now() - windowSeconds;
    for (Iterator<Scrape> it = scrapes.descendingIterator(); it.hasNext(); ) {
      Scrape s = it.next();
      if (s.time() <= cutoff) {
        break;
      }
      for (PodReading p : s.pods()) {
        max.computeIfPresent(p.replica(), (k, v) -> Math.max(v, gauge.applyAsDouble(p)));
      }
    }
    return max;
  }

  /**
   * The mean over the scrapes in (now − window, now] of a fleet-wide figure of each scrape; 0
   * before any scrape.
   */
  public double averageOverTime(ToDoubleFunction<Scrape> figure, double windowSeconds) {
    double cutoff = now() - windowSeconds;
    double sum = 0;
    int n = 0;
    for (Iterator<Scrape> it = scrapes.descendingIterator(); it.hasNext(); ) {
      Scrape s = it.next();
      if (s.time() <= cutoff) {
        break;
      }
      sum += figure.applyAsDouble(s);
      n++;
    }
    return n == 0 ? 0 : sum / n;
  }

  /**
   * The counters' increase over the window ending at the newest snapshot; empty when no snapshot
   * is as old as the window (the fleet is younger than it) or the histograms are missing.
   */
  public Optional<Increase> increase(double windowSeconds) {
    List<Increase> parts = increases(windowSeconds, windowSeconds);
    return parts.isEmpty() ? Optional.empty() : Optional.of(parts.get(0));
  }

  /**
   * The window ending at the newest snapshot, cut into consecutive sub-intervals of
   * {@code resolution} seconds, oldest first; empty when the fleet is younger than the window.
   */
  public List<Increase> increases(double windowSeconds, double resolutionSeconds) {
    if (counters.isEmpty()) {
      return List.of();
    }
    Counters end = counters.peekLast();
    int parts = (int) Math.round(windowSeconds / resolutionSeconds);
    List<Increase> out = new ArrayList<>(parts);
    Counters previous = at(end.time() - parts * resolutionSeconds);
    if (previous == null || previous.prompt() == null) {
      return List.of();
    }
    for (int k = parts - 1; k >= 0; k--) {
      Counters next = at(end.time() - k * resolutionSeconds);
      if (next == null) {
        return List.of();
      }
      out.add(difference(previous, next));
      previous = next;
    }
    return out;
  }

  /** The counter snapshot taken at {@code time}; fails when there is none. */
  public Counters countersAt(double time) {
    Counters c = at(time);
    if (c == null) {
      throw new IllegalArgumentException("no counter snapshot at " + time + " s");
    }
    return c;
  }

  private Counters at(double time) {
    for (Iterator<Counters> it = counters.descendingIterator(); it.hasNext(); ) {
      Counters c = it.next();
      if (Math.abs(c.time() - time) < 1e-6) {
        return c;
      }
      if (c.time() < time) {
        return null;
      }
    }
    return null;
  }

  private static Increase difference(Counters a, Counters b) {
    double completions = b.completions() - a.completions();
    return new Increase(a.time(), b.time(), completions, Math.max(0, completions + b.inSystem() - a.inSystem()),
        b.preemptions() - a.preemptions(), minus(b.prompt(), a.prompt()), minus(b.output(), a.output()),
        b.promptTokensStarted() - a.promptTokensStarted(), a.ttft() == null || b.ttft() == null ? null : minus(b.ttft(), a.ttft()));
  }

  private static WindowHistogram minus(WindowHistogram b, WindowHistogram a) {
    List<WindowHistogram.Bucket> buckets = new ArrayList<>(b.buckets().size());
    for (int i = 0; i < b.buckets().size(); i++) {
      buckets.add(new WindowHistogram.Bucket(b.buckets().get(i).upperBound(),
          b.buckets().get(i).cumulativeCount() - a.buckets().get(i).cumulativeCount()));
    }
    return new WindowHistogram(b.metric(), buckets, b.sum() - a.sum(), b.count() - a.count());
  }
}
