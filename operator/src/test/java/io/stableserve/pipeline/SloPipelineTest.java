package io.stableserve.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.decide.ReplicaCounts;
import io.stableserve.decide.ReplicaRange;
import io.stableserve.decide.ScalingPolicy;
import io.stableserve.decide.TtftSlo;
import io.stableserve.estimate.EngineSettings;
import io.stableserve.observe.Observation;
import io.stableserve.observe.ObservationWindow;
import io.stableserve.observe.VllmMetricNames;
import io.stableserve.observe.WindowHistogram;
import io.stableserve.solve.EngineConfig;
import io.stableserve.solve.ModelKind;
import io.stableserve.solve.StepTimeModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The pipeline's SLO pieces: the calibration on vLLM's TTFT, the gateway's queue, the memory of the factor. */
class SloPipelineTest {

  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final ObservationWindow WINDOW = new ObservationWindow(Duration.ofMinutes(5), Duration.ofSeconds(30));
  /** One replica's paper-model rate is 24000 / (0.05 · E[g]) with s = 500, o = 100: about 8.6 req/s. */
  static final EngineConfig ENGINE = EngineConfig.of(24_000, 512, StepTimeModel.constant(0.05));

  static WindowHistogram lengths(String metric, double count, double low, double high, double mean) {
    return new WindowHistogram(metric, List.of(new WindowHistogram.Bucket(low, 0), new WindowHistogram.Bucket(high, count),
        new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, count)), count * mean, count);
  }

  /** Every first token of the window within (lo, hi] seconds. */
  static WindowHistogram ttft(double count, double lo, double hi) {
    return new WindowHistogram("vllm:time_to_first_token_seconds", List.of(new WindowHistogram.Bucket(lo, 0),
        new WindowHistogram.Bucket(hi, count), new WindowHistogram.Bucket(Double.POSITIVE_INFINITY, count)), count * hi, count);
  }

  /** λ = 30 req/s on 4 replicas, Poisson-like counts; TTFT and the gateway's queue as given. */
  static Observation observation(Optional<WindowHistogram> ttft, OptionalDouble gateway) {
    double rate = 30;
    List<Observation.IntervalSample> intervals = new ArrayList<>();
    for (int k = 9; k >= 0; k--) {
      intervals.add(Observation.IntervalSample.arrivalsOnly(NOW.minusSeconds(30L * k), rate * 30 + ((k % 2) == 0 ? 5 : -5)));
    }
    double completions = rate * 300;
    return new Observation(NOW, WINDOW, new VllmMetricNames(VllmMetricNames.Generation.V1, Map.of(), List.of()),
        new Observation.RequestFlow(completions, 20, OptionalDouble.of(20), OptionalDouble.empty()),
        new Observation.Occupancy(4, 20, 0, OptionalDouble.of(0), OptionalDouble.of(0.5), gateway),
        Observation.TokenLengths.of(lengths("p", completions, 400, 600, 500), lengths("o", completions, 50, 150, 100)),
        new Observation.EngineSignals(Optional.empty(), OptionalDouble.of(0), OptionalDouble.empty(), OptionalDouble.empty(),
            OptionalDouble.empty(), ttft),
        intervals, Duration.ofSeconds(2), List.of());
  }

  static ServiceSettings settings() {
    return new ServiceSettings(ModelKind.PAPER, EngineSettings.given(ENGINE),
        new ScalingPolicy(new ReplicaRange(1, 50), 0.85, ServiceSettings.defaultBehavior(), Optional.of(new TtftSlo(2, 0.99))), WINDOW);
  }

  @Test
  void aMeasuredTtftAboveThePredictionRaisesTheFactorAndThePrediction() {
    Evaluation plain = ScalingPipeline.evaluate(observation(Optional.empty(), OptionalDouble.empty()), settings(),
        ServiceMemory.empty(), ReplicaCounts.allReady(4), NOW);
    assertThat(plain.ttft()).isPresent();
    assertThat(plain.ttft().get().factor()).as("nothing measured: k stays 1").isEqualTo(1);
    double predicted = plain.ttft().get().predictedSeconds().orElseThrow();

    // Window after window the same measurement: the factor climbs, at most ×2 a window, and the count with it.
    ServiceMemory remembered = ServiceMemory.empty();
    Evaluation slow = null;
    for (int w = 0; w < 12; w++) {
      slow = ScalingPipeline.evaluate(observation(Optional.of(ttft(9000, 30, 40)), OptionalDouble.empty()), settings(),
          remembered, ReplicaCounts.allReady(4), NOW.plusSeconds(15L * w));
      remembered = remembered.after(slow, false, NOW.plusSeconds(15L * w));
    }
    assertThat(slow.ttft().get().observedSeconds().orElseThrow()).isGreaterThan(predicted);
    assertThat(slow.ttft().get().factor()).isGreaterThan(4);
    assertThat(slow.decision().desiredReplicas()).isGreaterThanOrEqualTo(plain.decision().desiredReplicas());
    Evaluation slowAtPlainCount = ScalingPipeline.evaluate(observation(Optional.empty(), OptionalDouble.empty()), settings(),
        remembered, ReplicaCounts.allReady(4), NOW.plusSeconds(200));
    assertThat(slowAtPlainCount.decision().predictedTtftSeconds().getAsDouble())
        .as("the calibrated prediction at the same count").isGreaterThan(plain.decision().predictedTtftSeconds().getAsDouble());

    assertThat(remembered.ttftFactor()).isEqualTo(slow.ttft().get().factor());
    Evaluation next = ScalingPipeline.evaluate(observation(Optional.empty(), OptionalDouble.empty()), settings(), remembered,
        ReplicaCounts.allReady(4), NOW.plusSeconds(200));
    assertThat(next.ttft().get().factor()).as("kept while nothing new is measured").isEqualTo(remembered.ttftFactor());
  }

  @Test
  void aWindowWhoseRateMovesDoesNotCalibrate() {
    Observation flat = observation(Optional.of(ttft(9000, 30, 40)), OptionalDouble.empty());
    List<Observation.IntervalSample> rising = new ArrayList<>();
    for (int k = 9; k >= 0; k--) {
      rising.add(Observation.IntervalSample.arrivalsOnly(NOW.minusSeconds(30L * k), 600 + 60 * (9 - k)));
    }
    Observation ramp = new Observation(flat.at(), flat.window(), flat.names(), flat.flow(), flat.occupancy(), flat.lengths(),
        flat.engine(), rising, flat.newestSampleAge(), flat.notes());

    Evaluation steady = ScalingPipeline.evaluate(flat, settings(), ServiceMemory.empty(), ReplicaCounts.allReady(4), NOW);
    assertThat(steady.ttft().get().factor()).as("a steady window moves the factor").isGreaterThan(1);
    Evaluation moving = ScalingPipeline.evaluate(ramp, settings(), ServiceMemory.empty(), ReplicaCounts.allReady(4), NOW);
    assertThat(moving.estimate().orElseThrow().arrivals().trend()).as("the ramp is seen").isPresent();
    assertThat(moving.ttft().get().factor()).as("TTFT on a ramp measures the transient: k kept").isEqualTo(1);
    assertThat(moving.ttft().get().updated()).isFalse();
  }

  @Test
  void requestsHeldAtTheGatewayAreQueuedAndDrained() {
    Evaluation without = ScalingPipeline.evaluate(observation(Optional.empty(), OptionalDouble.empty()), settings(),
        ServiceMemory.empty(), ReplicaCounts.allReady(4), NOW);
    Evaluation held = ScalingPipeline.evaluate(observation(Optional.empty(), OptionalDouble.of(6000)), settings(),
        ServiceMemory.empty(), ReplicaCounts.allReady(4), NOW);
    assertThat(held.estimate().orElseThrow().queued()).isEqualTo(6000);
    assertThat(held.decision().desiredReplicas()).isGreaterThan(without.decision().desiredReplicas());
    assertThat(held.decision().message()).contains("6000 requests queued");
  }

  @Test
  void aGatewaysTtftPercentileReplacesVllmsHistogram() {
    Observation o = observation(Optional.of(ttft(9000, 0.01, 0.02)), OptionalDouble.empty());
    Observation withGateway = new Observation(o.at(), o.window(), o.names(), o.flow(), o.occupancy(), o.lengths(),
        new Observation.EngineSignals(Optional.empty(), OptionalDouble.of(0), OptionalDouble.empty(), OptionalDouble.empty(),
            OptionalDouble.empty(), Optional.empty(), OptionalDouble.of(7.5)),
        o.intervals(), o.newestSampleAge(), o.notes());
    Evaluation e = ScalingPipeline.evaluate(withGateway, settings(), ServiceMemory.empty(), ReplicaCounts.allReady(4), NOW);
    assertThat(e.ttft().get().observedSeconds()).hasValue(7.5);
  }
}
