package io.stableserve.reconcile;

import io.stableserve.api.InferenceService;
import io.stableserve.api.InferenceServiceStatus;
import io.stableserve.api.PreemptionCorrection;
import io.stableserve.api.Recommendation;
import io.stableserve.api.ScaleToZeroStatus;
import io.stableserve.api.StartupStatus;
import io.stableserve.api.TtftStatus;
import io.stableserve.api.VariantStatus;
import io.stableserve.correct.CapacityCorrection;
import io.stableserve.decide.RecommendedCount;
import io.stableserve.decide.StabilizationState;
import io.stableserve.decide.StartupTime;
import io.stableserve.decide.VariantStall;
import io.stableserve.decide.ZeroState;
import io.stableserve.pipeline.ServiceMemory;
import io.stableserve.pipeline.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The operator's state store: the pipeline's memory of a service lives in its InferenceService's
 * status, so that a restart or a new leader forgets nothing. {@link #load} reads the status the
 * service came with; {@link #store} writes into the status it is given to patch.
 *
 * <p>Fields: {@code recommendations}, {@code lastScaleUpTime}, {@code scaleUpSettlingSince},
 * {@code lastScaleTime}, {@code scaleToZero}, each variant's {@code waitingSince}, {@code readyWhenWaitingBegan},
 * {@code stalledSince} and {@code probingSince}, and of {@code preemption} the time and model rate of the correction's
 * measurement. The correction's factor is the ratio of {@code preemption.correctedStableRate} to
 * {@code preemption.modelStableRate}, which the report writes with the capacity.
 */
public final class StatusStateStore implements StateStore<InferenceService> {

  @Override
  public ServiceMemory load(InferenceService service) {
    return memoryOf(service.getStatus());
  }

  @Override
  public void store(InferenceService service, ServiceMemory memory) {
    if (service.getStatus() == null) {
      service.setStatus(new InferenceServiceStatus());
    }
    InferenceServiceStatus s = service.getStatus();
    StabilizationState state = memory.stabilization();
    s.setRecommendations(new ArrayList<>(state.recommendations().stream()
        .map(r -> new Recommendation(r.time().toString(), r.replicas(), r.forArrivals())).toList()));
    s.setLastScaleUpTime(state.lastScaleUp().map(Instant::toString).orElse(null));
    s.setScaleUpSettlingSince(state.scaleUpPendingSince().map(Instant::toString).orElse(null));
    s.setLastScaleTime(memory.lastScale().map(Instant::toString).orElse(null));
    s.setScaleToZero(zeroStatus(state.zero()));
    // A held pass reports no TTFT figures, yet the factor learned before it must survive it.
    if (memory.ttftFactor() != 1 || s.getTtft() != null) {
      if (s.getTtft() == null) {
        s.setTtft(new TtftStatus());
      }
      s.getTtft().setCalibrationFactor(memory.ttftFactor());
    }
    StartupTime startup = memory.startup();
    if (startup.measured().isPresent() || startup.pending().isPresent() || s.getStartup() != null) {
      if (s.getStartup() == null) {
        s.setStartup(new StartupStatus());
      }
      StartupStatus t = s.getStartup();
      t.setMeasuredSeconds(startup.measured().map(d -> d.toMillis() / 1000.0).orElse(null));
      t.setMeasuredAt(startup.measuredAt().map(Instant::toString).orElse(null));
      t.setTimingSince(startup.pending().map(p -> p.since().toString()).orElse(null));
      t.setTimingReplicas(startup.pending().map(StartupTime.PendingScaleUp::replicas).orElse(null));
    }
    if (s.getVariants() != null) {
      for (VariantStatus v : s.getVariants()) {
        VariantStall stall = memory.variantStalls().getOrDefault(v.getName(), VariantStall.none());
        v.setWaitingSince(stall.waitingSince().map(Instant::toString).orElse(null));
        v.setReadyWhenWaitingBegan(stall.waitingSince().isPresent() || stall.probing() ? stall.readyThen() : null);
        v.setStalledSince(stall.stalledSince().map(Instant::toString).orElse(null));
        v.setProbingSince(stall.probingSince().map(Instant::toString).orElse(null));
      }
    }
    memory.correction().ifPresent(m -> {
      if (s.getPreemption() != null) {
        s.getPreemption().setMeasuredAt(m.measuredAt().toString());
        s.getPreemption().setMeasuredModelStableRate(m.modelStableRate());
      }
    });
  }

  /** The memory a status carries (empty for a new service). */
  static ServiceMemory memoryOf(InferenceServiceStatus status) {
    if (status == null) {
      return ServiceMemory.empty();
    }
    double ttftFactor = status.getTtft() != null && status.getTtft().getCalibrationFactor() != null
        ? status.getTtft().getCalibrationFactor() : 1;
    return new ServiceMemory(stabilization(status), correction(status), instant(status.getLastScaleTime()), ttftFactor,
        startup(status.getStartup()), variantStalls(status.getVariants()));
  }

  /** Each variant's stall as its status keeps it; a variant with nothing readable has none. */
  static Map<String, VariantStall> variantStalls(List<VariantStatus> variants) {
    Map<String, VariantStall> stalls = new LinkedHashMap<>();
    if (variants == null) {
      return stalls;
    }
    for (VariantStatus v : variants) {
      if (v.getName() == null) {
        continue;
      }
      int readyThen = v.getReadyWhenWaitingBegan() != null && v.getReadyWhenWaitingBegan() >= 0 ? v.getReadyWhenWaitingBegan() : 0;
      VariantStall stall = new VariantStall(instant(v.getWaitingSince()), readyThen, instant(v.getStalledSince()),
          instant(v.getProbingSince()));
      if (!stall.equals(VariantStall.none())) {
        stalls.put(v.getName(), stall);
      }
    }
    return stalls;
  }

  static StabilizationState stabilization(InferenceServiceStatus status) {
    List<RecommendedCount> recs = new ArrayList<>();
    if (status.getRecommendations() != null) {
      for (Recommendation r : status.getRecommendations()) {
        Optional<Instant> t = instant(r.getTime());
        if (t.isPresent() && r.getReplicas() != null && r.getReplicas() >= 0) {
          Integer forArrivals = r.getForArrivals();
          recs.add(new RecommendedCount(t.get(), r.getReplicas(),
              forArrivals != null && forArrivals >= 0 && forArrivals <= r.getReplicas() ? forArrivals : r.getReplicas()));
        }
      }
    }
    return new StabilizationState(recs, instant(status.getLastScaleUpTime()), instant(status.getScaleUpSettlingSince()),
        zero(status.getScaleToZero()));
  }

  /** The memory of going to zero and back as the status keeps it; absent when there is nothing to keep. */
  static ScaleToZeroStatus zeroStatus(ZeroState zero) {
    if (zero.equals(ZeroState.empty())) {
      return null;
    }
    ScaleToZeroStatus z = new ScaleToZeroStatus();
    z.setIdleSince(zero.idleSince().map(Instant::toString).orElse(null));
    z.setWokeAt(zero.wokeAt().map(Instant::toString).orElse(null));
    z.setStableRatePerReplica(zero.stableRate().isPresent() ? zero.stableRate().getAsDouble() : null);
    return z;
  }

  static ZeroState zero(ScaleToZeroStatus z) {
    if (z == null) {
      return ZeroState.empty();
    }
    return new ZeroState(instant(z.getIdleSince()), instant(z.getWokeAt()),
        z.getStableRatePerReplica() == null ? OptionalDouble.empty() : OptionalDouble.of(z.getStableRatePerReplica()));
  }

  /** The start-up time measured and the scale-up being timed that a status carries; what cannot be read is left out. */
  static StartupTime startup(StartupStatus t) {
    if (t == null) {
      return StartupTime.none();
    }
    Optional<Duration> measured = t.getMeasuredSeconds() != null && t.getMeasuredSeconds() > 0
        ? Optional.of(Duration.ofMillis(Math.round(t.getMeasuredSeconds() * 1000))) : Optional.empty();
    Optional<StartupTime.PendingScaleUp> pending = instant(t.getTimingSince())
        .filter(since -> t.getTimingReplicas() != null && t.getTimingReplicas() >= 1)
        .map(since -> new StartupTime.PendingScaleUp(since, t.getTimingReplicas()));
    return new StartupTime(measured, instant(t.getMeasuredAt()), pending);
  }

  /** The preemption correction a status carries (empty when none was applied or it cannot be read). */
  static Optional<CapacityCorrection.Measured> correction(InferenceServiceStatus status) {
    if (status == null || status.getPreemption() == null || !Boolean.TRUE.equals(status.getPreemption().getApplied())) {
      return Optional.empty();
    }
    PreemptionCorrection p = status.getPreemption();
    Optional<Instant> at = instant(p.getMeasuredAt());
    if (at.isEmpty() || p.getModelStableRate() == null || p.getCorrectedStableRate() == null || !(p.getModelStableRate() > 0)) {
      return Optional.empty();
    }
    double factor = p.getCorrectedStableRate() / p.getModelStableRate();
    if (!(factor >= CapacityCorrection.MIN_FACTOR && factor < 1)) {
      return Optional.empty();
    }
    // A status written before the model's rate at measurement was kept: the present model's stands in.
    double measuredModel = p.getMeasuredModelStableRate() != null && p.getMeasuredModelStableRate() > 0
        ? p.getMeasuredModelStableRate() : p.getModelStableRate();
    return Optional.of(new CapacityCorrection.Measured(factor, at.get(), measuredModel));
  }

  private static Optional<Instant> instant(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
