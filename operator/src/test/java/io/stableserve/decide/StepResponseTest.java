package io.stableserve.decide;

import io.stableserve.testing.Behaviors;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.estimate.RateChange;
import io.stableserve.solve.Capacity;
import io.stableserve.solve.Constraint;
import io.stableserve.solve.ConstraintRate;
import io.stableserve.solve.ModelKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How often a step in Poisson load is met by one scale-up to the model's count, with the arrival
 * estimate the operator makes (the window's mean with its sub-interval spread, and the rate since a
 * rise) polled every second. Seeded, so the figures it prints are the same on every run; they are
 * the ones docs/operator.md quotes.
 *
 * <p>The replica here has the end-to-end loop's capacity: 2.46 req/s, so at ρ = 0.8 one replica
 * takes 1.97 req/s and three take up to 5.91. A step from 1.5 to 4.5 req/s lands 14% above the edge
 * of the count-3 band, from 1.65 to 4.95 in its middle.
 */
class StepResponseTest {

  static final double MU = 2.4625;
  static final double RHO = 0.8;
  static final Capacity CAPACITY = new Capacity(ModelKind.PAPER, MU, MU, MU, 0.1, 1000, 0.03,
      List.of(new ConstraintRate(Constraint.SEQUENCE_CAP, MU)));
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final int RUNS = 400;

  record Outcome(double oneDecisionToTheModelsCount, double firstDecisionWrong, double medianSecondsToFirst) {}

  /** One seeded run after another: arrivals at {@code before} req/s, from t = 0 at {@code after}; decisions every second. */
  static Outcome measure(double mu, double before, double after, int windowSeconds, int subIntervalSeconds, Duration settle,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ScalingPolicy policy = new ScalingPolicy(new ReplicaRange(1, 8), RHO,
        Behaviors.immediate().withScaleDownWindow(Duration.ofSeconds(30)).withScaleUpSettleTime(settle));
    Capacity capacity = new Capacity(ModelKind.PAPER, mu, mu, mu, 0.1, 1000, 0.03,
        List.of(new ConstraintRate(Constraint.SEQUENCE_CAP, mu)));
    int expected = (int) Math.ceil(after / (RHO * mu));
    int right = 0;
    int wrongFirst = 0;
    List<Double> firstAt = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      List<Double> arrivals = new ArrayList<>();
      for (double t = -windowSeconds - 5; t < 90; ) {
        t += -Math.log(1 - random.nextDouble()) / (t < 0 ? before : after);
        arrivals.add(t);
      }
      double phase = random.nextDouble();
      int replicas = 1;
      StabilizationState state = StabilizationState.empty();
      List<Integer> ups = new ArrayList<>();
      for (int poll = 0; poll < 80; poll++) {
        double now = phase + poll;
        Decision d = policy.decide(T0.plusMillis(Math.round(now * 1000)),
            LoadReading.measured(estimate(arrivals, now, windowSeconds, subIntervalSeconds), capacity),
            ReplicaCounts.allReady(replicas), state);
        state = d.state();
        if (d.scalesUp()) {
          if (ups.isEmpty()) {
            firstAt.add(now);
          }
          ups.add(d.desiredReplicas());
        }
        replicas = d.desiredReplicas();
      }
      if (ups.size() == 1 && ups.get(0) == expected) {
        right++;
      }
      if (!ups.isEmpty() && ups.get(0) != expected) {
        wrongFirst++;
      }
    }
    firstAt.sort(Double::compare);
    return new Outcome(right / (double) RUNS, wrongFirst / (double) RUNS, firstAt.get(firstAt.size() / 2));
  }

  /** What the estimate stage makes of the window ending at {@code now}: mean, sd(counts)/√K, and the rise. */
  static ArrivalRate estimate(List<Double> arrivals, double now, int windowSeconds, int subIntervalSeconds) {
    int k = windowSeconds / subIntervalSeconds;
    double[] counts = new double[k];
    double start = now - windowSeconds;
    for (double t : arrivals) {
      if (t > start && t <= now) {
        counts[Math.min(k - 1, (int) ((t - start) / subIntervalSeconds))]++;
      }
    }
    double total = 0;
    for (double c : counts) {
      total += c;
    }
    double mean = total / k;
    double squares = 0;
    for (double c : counts) {
      squares += (c - mean) * (c - mean);
    }
    double standardError = Math.sqrt(squares / (k - 1)) / subIntervalSeconds / Math.sqrt(k);
    Optional<RateChange> rise = RateChange.find(counts, subIntervalSeconds);
    return new ArrivalRate(total / windowSeconds, standardError,
        rise.map(r -> new ArrivalRate.Rise(r.rateAfter(), r.standardErrorAfter(), r.secondsAgo())));
  }

  static Outcome report(double mu, double before, double after, int window, int sub, Duration settle) {
    Outcome o = measure(mu, before, after, window, sub, settle, 11);
    System.out.printf(Locale.ROOT, "μ = %.3g req/s per replica, step %.2f → %.2f req/s, window %d s in %d s sub-intervals, settle %d s: "
            + "one scale-up to the model's count in %.0f%% of %d runs, first scale-up to another count in %.0f%%, "
            + "median %.0f s from the step to the first scale-up%n",
        mu, before, after, window, sub, settle.toSeconds(), 100 * o.oneDecisionToTheModelsCount(), RUNS,
        100 * o.firstDecisionWrong(), o.medianSecondsToFirst());
    return o;
  }

  @Test
  void withoutSettlingTheWindowsLagMakesTheFirstScaleUpStopShort() {
    Outcome o = report(MU, 1.65, 4.95, 20, 2, Duration.ZERO);
    assertThat(o.firstDecisionWrong()).isGreaterThan(0.5);
  }

  @Test
  void settlingMakesTheStepOneScaleUpToTheModelsCount() {
    Outcome middle = report(MU, 1.65, 4.95, 20, 2, Duration.ofSeconds(20));
    assertThat(middle.oneDecisionToTheModelsCount()).isGreaterThan(0.75);
    Outcome edge = report(MU, 1.5, 4.5, 20, 2, Duration.ofSeconds(20));
    assertThat(edge.oneDecisionToTheModelsCount()).isGreaterThan(0.5);
    report(MU, 1.65, 4.95, 30, 3, Duration.ofSeconds(25));
    report(MU, 1.5, 4.5, 30, 3, Duration.ofSeconds(25));
    report(MU, 1.65, 4.95, 30, 2, Duration.ofSeconds(25));
    report(MU, 1.65, 4.95, 40, 2, Duration.ofSeconds(30));
    report(MU, 1.5, 4.5, 40, 2, Duration.ofSeconds(30));
    report(4 * MU, 6.6, 19.8, 20, 2, Duration.ofSeconds(15));
    report(4 * MU, 6, 18, 20, 2, Duration.ofSeconds(15));
    report(4 * MU, 6.6, 19.8, 20, 1, Duration.ofSeconds(15));
    report(4 * MU, 6.6, 19.8, 20, 2, Duration.ofSeconds(10));
    report(2 * MU, 3.3, 9.9, 20, 2, Duration.ofSeconds(15));
  }
}
