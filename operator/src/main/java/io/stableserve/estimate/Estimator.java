package io.stableserve.estimate;

import io.stableserve.observe.Observation;
import io.stableserve.observe.Observation.IntervalSample;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.workload.ArrivalStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.commons.math3.stat.StatUtils;

/**
 * The estimate stage: from what Prometheus said ({@link Observation}) to what the solver needs
 * ({@link ServiceEstimate}). Pure: no I/O, the same observation gives the same estimate.
 */
public final class Estimator {

  /** Fewer sub-intervals than this give a Poisson standard error instead of the observed spread. */
  static final int MIN_INTERVALS_FOR_SPREAD = 3;

  private Estimator() {}

  public static ServiceEstimate estimate(Observation o) {
    List<String> notes = new ArrayList<>(o.notes());
    ArrivalEstimate arrivals = arrivals(o, notes);
    Optional<WorkloadEstimate> workload = workload(o, arrivals, notes);
    OptionalLong m = o.engine().kvCache().map(c -> OptionalLong.of(c.tokensPerReplica())).orElse(OptionalLong.empty());
    Optional<StepTimeEstimate> step = StepTimeFit.fit(o, m);
    if (step.isEmpty()) {
      notes.add("step time not observable: no inter-token latency and no engine steps in the window");
    }
    return new ServiceEstimate(o.at(), covered(o), arrivals, workload, o.engine().kvCache(), step, o.engine().preemptionsPerSecond(),
        o.occupancy().kvCacheUsage(), o.occupancy().running(), o.occupancy().waiting(), o.occupancy().leastWaiting(), o.occupancy().replicas(), o.names(), notes,
        o.occupancy().gatewayQueue(), o.engine().ttft(), o.engine().ttftPercentileOverride());
  }

  /**
   * The part of the window the sub-intervals cover: all of it, unless sub-intervals are missing, as
   * after a scrape or Prometheus outage, or for a service younger than the window. Without any
   * sub-interval it cannot be told, and the whole window is taken.
   */
  static java.time.Duration covered(Observation o) {
    int expected = expectedIntervals(o);
    int present = o.intervals().size();
    if (present == 0 || present >= expected) {
      return o.window().length();
    }
    return o.window().resolution().multipliedBy(present);
  }

  private static int expectedIntervals(Observation o) {
    return (int) Math.max(1, o.window().length().toMillis() / o.window().resolution().toMillis());
  }

  /**
   * λ̂ = (C + N(t) − N(t − W)) / W, clamped at 0; its standard error is the spread of the
   * sub-interval rates sd(A_k / r) / √K (around the trend's line when they follow one) when there
   * are at least {@value #MIN_INTERVALS_FOR_SPREAD} sub-intervals and at least one arrival, else the Poisson √max(A, 1) / W. A window with
   * sub-intervals missing reads λ̂ as the covered sub-intervals' arrivals over the time they cover:
   * Prometheus's {@code increase} over the whole window counts only what the covered part saw, so
   * dividing it by the whole window would read the rate low by the share that is missing.
   */
  static ArrivalEstimate arrivals(Observation o, List<String> notes) {
    java.time.Duration covered = covered(o);
    boolean partial = covered.compareTo(o.window().length()) < 0;
    double w = covered.toMillis() / 1000.0;
    double completionsPerSecond = o.flow().completions() / w;
    double growth = 0;
    if (o.flow().inSystemAtStart().isPresent()) {
      growth = (o.flow().inSystemNow() - o.flow().inSystemAtStart().getAsDouble()) / w;
    } else if (!partial) {
      notes.add("backlog growth unknown (no running + waiting sample at the start of the window): arrivals read as completions");
    }
    double rate;
    ArrivalEstimate.Source source;
    if (o.flow().arrivalsOverride().isPresent()) {
      rate = o.flow().arrivalsOverride().getAsDouble();
      source = ArrivalEstimate.Source.OVERRIDE;
    } else if (partial) {
      rate = o.intervals().stream().mapToDouble(s -> Math.max(0, s.arrivals())).sum() / w;
      source = ArrivalEstimate.Source.COMPLETIONS_PLUS_BACKLOG;
      notes.add(String.format(Locale.ROOT, "the window has data for %.0f s of %.0f s (%d of %d sub-intervals): rates are over the covered part",
          w, o.window().seconds(), o.intervals().size(), expectedIntervals(o)));
    } else {
      rate = completionsPerSecond + growth;
      source = ArrivalEstimate.Source.COMPLETIONS_PLUS_BACKLOG;
      if (rate < 0) {
        notes.add(String.format("completions + backlog growth came out negative (%.3g req/s, extrapolation noise): read as 0", rate));
        rate = 0;
      }
    }
    double requests = rate * w;
    double r = o.window().resolution().toMillis() / 1000.0;
    List<IntervalSample> intervals = o.intervals();
    int k = intervals.size();
    double[] counts = intervals.stream().mapToDouble(IntervalSample::arrivals).toArray();
    // After a step the rate since is flat: a line through the whole window would read the step as a
    // ramp, and so would one through a step's first sub-intervals, before it is found as a rise. The
    // line is taken through the whole window only when it fits the counts better than any step does;
    // after a rise found as a step, through the counts since.
    boolean ramp = ArrivalTrend.rampRatherThanStep(counts);
    Optional<ArrivalTrend> ramping = ramp ? ArrivalTrend.fit(counts, r) : Optional.empty();
    double standardError;
    ArrivalEstimate.UncertaintyBasis basis;
    OptionalDouble burstiness = OptionalDouble.empty();
    // With no arrival at all the spread is zero, which would claim certainty: the Poisson error of
    // one arrival in the window is the honest floor then.
    if (k >= MIN_INTERVALS_FOR_SPREAD && requests >= 1) {
      double mean = StatUtils.mean(counts);
      // On a ramp the counts spread by the load's own movement, which the trend sizes for; read as
      // burstiness it would ask the SLO sizing for replicas the ramp never needs.
      double variance = ramping.isPresent() ? ArrivalTrend.varianceAroundLine(counts) : StatUtils.variance(counts);
      standardError = Math.sqrt(variance) / r / Math.sqrt(k);
      basis = ArrivalEstimate.UncertaintyBasis.SUB_INTERVALS;
      if (k >= ArrivalEstimate.MIN_INTERVALS_FOR_DISPERSION && mean >= ArrivalEstimate.MIN_ARRIVALS_FOR_DISPERSION) {
        burstiness = OptionalDouble.of(variance / mean);
      }
    } else {
      standardError = Math.sqrt(Math.max(requests, 1)) / w;
      basis = ArrivalEstimate.UncertaintyBasis.POISSON;
    }
    Optional<RateChange> rise = RateChange.find(counts, r);
    if (rise.isEmpty()) {
      rise = recentRise(counts, r, rate, burstiness);
    }
    Optional<ArrivalTrend> trend = ramping;
    if (!ramp && rise.isPresent()) {
      int since = (int) Math.min(counts.length, Math.round(rise.get().secondsAgo() / r));
      trend = ArrivalTrend.fit(Arrays.copyOfRange(counts, counts.length - since, counts.length), r);
    }
    // Where the rate neither rose nor trends, its slow swings from one sub-interval to the next are
    // not bursts the queue feels at the SLO's timescale: c_a² is the short-term spread, where that
    // is the smaller. Where it rose or trends, the spread around the mean stays: until the trend is
    // found, it is the headroom a ramp that has begun needs.
    if (rise.isEmpty() && trend.isEmpty() && burstiness.isPresent() && k >= ArrivalEstimate.MIN_INTERVALS_FOR_DISPERSION) {
      double shortTerm = ArrivalTrend.varianceBetweenNeighbours(counts) / StatUtils.mean(counts);
      if (shortTerm < burstiness.getAsDouble()) {
        notes.add(String.format(Locale.ROOT, "burstiness %.3g from one sub-interval to the next (%.3g around the window's mean): "
            + "the rate's slow swings are left out", shortTerm, burstiness.getAsDouble()));
        burstiness = OptionalDouble.of(shortTerm);
      }
      // A fall leaves no ramp to keep headroom for: the counts' spread is the two rates', and a
      // load that drops to a fraction of the window's mean would otherwise read as bursts and ask
      // for more replicas as it goes.
      Optional<RateChange> fall = RateChange.findFall(counts, r);
      if (fall.isPresent() && fall.get().dispersion() < burstiness.getAsDouble()) {
        notes.add(String.format(Locale.ROOT, "arrivals fell from %.3g to %.3g req/s %.0f s ago: burstiness %.3g around the two "
            + "rates (%.3g otherwise)", fall.get().rateBefore(), fall.get().rateAfter(), fall.get().secondsAgo(),
            fall.get().dispersion(), burstiness.getAsDouble()));
        burstiness = OptionalDouble.of(fall.get().dispersion());
      }
    }
    trend.ifPresent(l -> notes.add(String.format(Locale.ROOT,
        "arrivals trend by %+.3g req/s per minute (%.1f standard errors), %.3g req/s now on the line: scale-ups size for the rate a start-up ahead",
        l.slope() * 60, l.slopeStandardError() == 0 ? Double.POSITIVE_INFINITY : Math.abs(l.slope()) / l.slopeStandardError(), l.rateAtEnd())));
    rise.ifPresent(c -> notes.add(String.format(Locale.ROOT,
        "arrivals rose from %.3g to %.3g req/s %.0f s ago (likelihood ratio %.1f): scale-ups size for the new rate",
        c.rateBefore(), c.rateAfter(), c.secondsAgo(), c.statistic())));
    return new ArrivalEstimate(rate, standardError, basis, source, completionsPerSecond, growth, burstiness, requests, w, rise, trend);
  }

  static Optional<WorkloadEstimate> workload(Observation o, ArrivalEstimate arrivals, List<String> notes) {
    if (o.lengths().prompt().isEmpty() || o.lengths().output().isEmpty()) {
      notes.add("token moments unknown: " + (o.lengths().prompt().isEmpty() ? "no prompt-length histogram" : "no output-length histogram"));
      return Optional.empty();
    }
    Optional<BinnedLengths> prompt = lengths(o.lengths().prompt().get(), o.lengths().meanPromptOverride(), notes)
        .map(p -> arriving(p, o.lengths().recentPromptMean(), o.lengths().latestPromptMean(),
            arrivals.ratePerSecond() * (o.window().recentSpan().toMillis() / 1000.0), spanMeanSpread(o), notes));
    Optional<BinnedLengths> output = lengths(o.lengths().output().get(), o.lengths().meanOutputOverride(), notes);
    if (prompt.isEmpty() || output.isEmpty()) {
      return Optional.empty();
    }
    Optional<ArrivalStatistics> statistics = arrivals.burstiness().isPresent()
        ? Optional.of(new ArrivalStatistics(arrivals.ratePerSecond(), arrivals.burstiness().getAsDouble(), arrivals.windowSeconds(),
            Math.round(arrivals.requests())))
        : Optional.empty();
    return Optional.of(new WorkloadEstimate(prompt.get(), output.get(), statistics));
  }

  /** The recent span is the window's last fifth, at least this many sub-intervals. */
  static final int RECENT_INTERVALS = 2;
  /** Standard errors the recent rate must stand above the window's mean to count as a rise. */
  static final double RECENT_Z = 3;

  /**
   * The rate over the window's last fifth, as a rise when it stands {@value #RECENT_Z} standard
   * errors above the window's mean: on a ramp the mean lags by half a window and the likelihood-ratio
   * split finds no single step, yet the last sub-intervals already say what the load has become. Its
   * standard error is quasi-Poisson, widened by the counts' index of dispersion.
   */
  static Optional<RateChange> recentRise(double[] counts, double subIntervalSeconds, double windowRate, OptionalDouble burstiness) {
    int k = counts.length;
    int m = Math.max(RECENT_INTERVALS, (int) Math.ceil(k / 5.0));
    if (k < RateChange.MIN_INTERVALS || m >= k) {
      return Optional.empty();
    }
    double recent = 0;
    double before = 0;
    for (int i = 0; i < k; i++) {
      if (i >= k - m) {
        recent += Math.max(0, counts[i]);
      } else {
        before += Math.max(0, counts[i]);
      }
    }
    double seconds = m * subIntervalSeconds;
    double dispersion = Math.max(1, burstiness.orElse(1));
    double rate = recent / seconds;
    double se = Math.sqrt(Math.max(recent, 1) * dispersion) / seconds;
    if (!(rate > windowRate + RECENT_Z * se)) {
      return Optional.empty();
    }
    return Optional.of(new RateChange(seconds, before / ((k - m) * subIntervalSeconds), rate, se, recent,
        (rate - windowRate) / se, dispersion));
  }

  /** Past this relative change, the arriving prompts' mean moves the completed requests' histogram. */
  static final double ARRIVING_MIX_CHANGE = 0.10;
  /** Standard errors of the recent prompts' mean the change must also pass, so that a few prompts' noise moves nothing. */
  static final double ARRIVING_MIX_Z = 3;

  /**
   * Past this factor (or its inverse), the prompts between the counters' newest two scrapes are a
   * shift of the mix, read as soon as they show, when the recent span moves the same way.
   */
  static final double MIX_SHIFT_FACTOR = 3;

  /**
   * The prompt lengths of the arriving mix: the completed requests' histogram, its scale moved to
   * the mean of the prompts that started recently when that mean differs by more than
   * {@value #ARRIVING_MIX_CHANGE}. Output lengths are known only at completion and keep the window's.
   * A shift (the mean between the newest two scrapes {@value #MIX_SHIFT_FACTOR} times the completed
   * one's or less than its inverse, the recent span's past the threshold the same way) takes that
   * mean: the recent span's, and a sub-interval's, still average in the prompts from before the
   * shift.
   * The change must also pass {@value #ARRIVING_MIX_Z} standard errors of the recent span's mean:
   * the larger of a mean of {@code recentRequests} prompts drawn from the completed requests'
   * lengths (at a few requests a second the recent span holds too few prompts for 10% to be more
   * than their noise) and how far a span's mean wandered in the window ({@code spanSpread}).
   *
   * @param recentRequests the prompts expected in the recent span, λ̂ times its length
   * @param spanSpread {@link #spanMeanSpread}, when the sub-intervals' prompt means were read
   */
  static BinnedLengths arriving(BinnedLengths completed, OptionalDouble recentMean, OptionalDouble latestMean,
      double recentRequests, OptionalDouble spanSpread, List<String> notes) {
    if (recentMean.isEmpty() || !(completed.mean() > 0) || !(recentMean.getAsDouble() > 0)) {
      return completed;
    }
    double factor = recentMean.getAsDouble() / completed.mean();
    double independent = Math.sqrt(Math.max(0, completed.meanSquare() - completed.mean() * completed.mean())
        / Math.max(1, recentRequests));
    double noise = ARRIVING_MIX_Z * Math.max(independent, spanSpread.orElse(0)) / completed.mean();
    if (Math.abs(factor - 1) <= Math.max(ARRIVING_MIX_CHANGE, noise)) {
      if (Math.abs(factor - 1) > Math.max(ARRIVING_MIX_CHANGE, ARRIVING_MIX_Z * independent / completed.mean())) {
        notes.add(String.format(Locale.ROOT, "prompts starting now average %.0f tokens against %.0f in the window's completed "
            + "requests, within the ±%.0f%% a span's mean wanders in this window: the completed requests' lengths stand",
            recentMean.getAsDouble(), completed.mean(), 100 * noise));
      }
      return completed;
    }
    double latest = latestMean.orElse(0) / completed.mean();
    if (latest > 0 && (factor > 1 ? latest >= MIX_SHIFT_FACTOR : latest <= 1 / MIX_SHIFT_FACTOR)) {
      notes.add(String.format(Locale.ROOT,
          "prompts starting since the last scrape average %.0f tokens against %.0f in the window's completed requests: "
              + "a shift of the mix, prompt lengths scaled by %.2f", latestMean.getAsDouble(), completed.mean(), latest));
      return completed.scaled(latest);
    }
    notes.add(String.format(Locale.ROOT,
        "prompts starting now average %.0f tokens against %.0f in the window's completed requests: prompt lengths scaled by %.2f",
        recentMean.getAsDouble(), completed.mean(), factor));
    return completed.scaled(factor);
  }

  /**
   * How far the prompts' mean of a recent span wanders while the mix stays what it is, tokens: the
   * spread of the sub-intervals' prompt means before the recent span, over the square root of the
   * span's sub-intervals. Prompts that arrive together are often alike (one conversation's turns, a
   * batch job's documents), so a span's mean wanders further than independent prompts' would. The
   * spread is the median absolute deviation (scaled to a normal standard deviation), so that a
   * shift inside the window, which the rule is there to follow, does not widen it.
   */
  static OptionalDouble spanMeanSpread(Observation o) {
    List<IntervalSample> intervals = o.intervals();
    int before = Math.max(0, intervals.size() - ObservationWindow.RECENT_SUB_INTERVALS);
    double[] means = intervals.subList(0, before).stream()
        .filter(i -> i.promptMean().isPresent()).mapToDouble(i -> i.promptMean().getAsDouble()).toArray();
    if (means.length < MIN_SPAN_MEANS) {
      return OptionalDouble.empty();
    }
    double median = StatUtils.percentile(means, 50);
    double[] deviations = Arrays.stream(means).map(m -> Math.abs(m - median)).toArray();
    return OptionalDouble.of(MAD_TO_STANDARD_DEVIATION * StatUtils.percentile(deviations, 50)
        / Math.sqrt(ObservationWindow.RECENT_SUB_INTERVALS));
  }

  /** Sub-intervals' prompt means needed before their spread is read. */
  static final int MIN_SPAN_MEANS = 4;
  /** A normal distribution's standard deviation over its median absolute deviation. */
  static final double MAD_TO_STANDARD_DEVIATION = 1.4826;

  private static Optional<BinnedLengths> lengths(WindowHistogram histogram, OptionalDouble meanOverride, List<String> notes) {
    try {
      return Optional.of(BinnedLengths.from(histogram, meanOverride));
    } catch (IllegalArgumentException e) {
      notes.add(e.getMessage());
      return Optional.empty();
    }
  }
}
