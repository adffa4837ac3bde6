package io.stableserve.decide;

import io.stableserve.solve.Capacity;
import io.stableserve.solve.Provisioning;
import io.stableserve.settings.Defaults;
import io.stableserve.solve.TtftApproximation;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The decide step: from the measured load and one replica's capacity to a replica count, with the
 * reason. Pure: the same inputs give the same decision, the clock is an input, nothing is read
 * from or written to a cluster. The operator, the simulator's fleet and the benchmark all call
 * {@link #decide}.
 *
 * <p>How a decision is made:
 * <ol>
 *   <li>n = ⌈λ̂ / (ρ·μ̂)⌉ in one step, however far that is from the current count.</li>
 *   <li>Hysteresis from the model: scale up when n exceeds the current replicas; scale down only to
 *       ⌈(λ̂ + z·σ) / (ρ·μ̂)⌉, the replicas that still hold the upper confidence bound of λ̂ at ρ;
 *       in between, hold.</li>
 *   <li>Stabilisation, as the Kubernetes HPA does it: the recommendation is kept with its time; a
 *       scale-down goes no lower than the largest recommendation of the scale-down window, a
 *       scale-up no higher than the smallest of the scale-up window.</li>
 *   <li>Step limits, then {@code [min, max]}; the last one that changed the count is reported.</li>
 *   <li>Without usable metrics: hold the current count (clamped to {@code [min, max]}), never
 *       scale down, and record the current count as the recommendation, so that the scale-down
 *       window after the metrics return covers the time without them.</li>
 * </ol>
 * Replicas asked for but not ready are counted as capacity that is coming while they are within
 * the start-up time of the last scale-up: n is compared with the spec replicas, so they are not
 * asked for again. The stability verdict is judged against the ready replicas only.
 */
public final class ScalingPolicy {

  private final ReplicaRange bounds;
  private final double targetUtilization;
  private final ScalingBehavior behavior;
  private final Optional<TtftSlo> slo;
  private final Optional<ScaleToZero> scaleToZero;

  public ScalingPolicy(ReplicaRange bounds, double targetUtilization, ScalingBehavior behavior) {
    this(bounds, targetUtilization, behavior, Optional.empty());
  }

  /** @param slo with an SLO the count is the fewest replicas whose predicted TTFT percentile meets it, not ⌈λ/(ρ·μ)⌉ */
  public ScalingPolicy(ReplicaRange bounds, double targetUtilization, ScalingBehavior behavior, Optional<TtftSlo> slo) {
    this(bounds, targetUtilization, behavior, slo, Optional.empty());
  }

  /**
   * @param scaleToZero the idle rule; required with {@code bounds.min() == 0}, refused otherwise
   */
  public ScalingPolicy(ReplicaRange bounds, double targetUtilization, ScalingBehavior behavior, Optional<TtftSlo> slo,
      Optional<ScaleToZero> scaleToZero) {
    this.bounds = Objects.requireNonNull(bounds, "replica bounds");
    Provisioning.checkTargetUtilization(targetUtilization);
    this.targetUtilization = targetUtilization;
    this.behavior = Objects.requireNonNull(behavior, "behavior");
    this.slo = Objects.requireNonNullElse(slo, Optional.empty());
    this.scaleToZero = Objects.requireNonNullElse(scaleToZero, Optional.empty());
    if (bounds.min() == 0 && this.scaleToZero.isEmpty()) {
      throw new IllegalArgumentException("minimum replicas 0 needs an idle rule (scaleToZero.idleAfter): "
          + "it says when an idle service goes to zero");
    }
    if (bounds.min() > 0 && this.scaleToZero.isPresent()) {
      throw new IllegalArgumentException("an idle rule (scaleToZero) needs minimum replicas 0, got " + bounds.min());
    }
  }

  public Optional<TtftSlo> slo() {
    return slo;
  }

  public ScalingPolicy withSlo(Optional<TtftSlo> newSlo) {
    return new ScalingPolicy(bounds, targetUtilization, behavior, newSlo, scaleToZero);
  }

  /** The idle rule, when the service may go to zero. */
  public Optional<ScaleToZero> scaleToZero() {
    return scaleToZero;
  }

  /** This policy allowed to go to zero by {@code rule}: minimum 0, the rest as it is. */
  public ScalingPolicy withScaleToZero(ScaleToZero rule) {
    return new ScalingPolicy(new ReplicaRange(0, bounds.max()), targetUtilization, behavior, slo, Optional.of(rule));
  }

  /** The same policy with the replicas' start-up time {@code startup} (as measured from the target). */
  public ScalingPolicy withStartupTime(Duration startup) {
    return new ScalingPolicy(bounds, targetUtilization, behavior.withStartupTime(startup), slo, scaleToZero);
  }

  public ReplicaRange bounds() {
    return bounds;
  }

  public double targetUtilization() {
    return targetUtilization;
  }

  public ScalingBehavior behavior() {
    return behavior;
  }

  /**
   * One decision.
   *
   * @param now the decision time; windows and start-up are measured from it
   * @param observation the load and capacity, or why they are unknown
   * @param replicas the target's spec and ready replicas
   * @param state what the previous decision left ({@link StabilizationState#empty()} at first)
   */
  public Decision decide(Instant now, LoadReading observation, ReplicaCounts replicas, StabilizationState state) {
    Objects.requireNonNull(now, "decision time");
    Objects.requireNonNull(observation, "observation");
    Objects.requireNonNull(replicas, "replica counts");
    Objects.requireNonNull(state, "stabilisation state");
    if (replicas.ready() > 0 && state.zero().wokeAt().isPresent()) {
      state = state.withZero(state.zero().withWokeAt(Optional.empty()));
    }
    int coming = isStarting(now, state) ? replicas.notReady() : 0;
    int stalled = replicas.notReady() - coming;
    if (observation instanceof LoadReading.Measured m) {
      return decideMeasured(now, m, replicas, state, coming, stalled);
    }
    if (observation instanceof LoadReading.Idle idle) {
      return decideIdle(now, idle, replicas, state, coming, stalled);
    }
    if (observation instanceof LoadReading.Held held) {
      return decideHeld(now, held, replicas, state, coming, stalled);
    }
    return hold(now, (LoadReading.Unavailable) observation, replicas, state, coming, stalled);
  }

  /**
   * The start-up a cold start pays: the behaviour's, which the pipeline sets to the start-up last
   * measured from the target ({@link StartupTime}) where there is one.
   */
  public Duration coldStart() {
    return behavior.startupTime();
  }

  private boolean isStarting(Instant now, StabilizationState state) {
    return state.lastScaleUp().map(t -> now.isBefore(t.plus(behavior.startupTime()))).orElse(false);
  }

  private Decision hold(Instant now, LoadReading.Unavailable u, ReplicaCounts replicas, StabilizationState state,
      int coming, int stalled) {
    int current = replicas.spec();
    int desired = clamp(current);
    ScalingLimit limit = limitOf(current, desired);
    ZeroState zero = state.zero().withIdleSince(Optional.empty());
    String message;
    if (current == 0 && scaleToZero.isPresent()) {
      // Blind at zero, a request could wait unseen for as long as the metrics stay away.
      desired = 1;
      limit = ScalingLimit.NONE;
      zero = zero.withWokeAt(Optional.of(now));
      message = String.format(Locale.ROOT, "metrics unavailable (%s: %s) at zero replicas: the gateway's held requests "
          + "cannot be read, so 1 replica wakes rather than leave a request waiting unseen", u.reason(), u.message());
    } else {
      message = String.format(Locale.ROOT, "metrics unavailable (%s: %s): holding %d replicas, never scaling down without metrics",
          u.reason(), u.message(), current);
    }
    if (limit != ScalingLimit.NONE) {
      message += String.format(Locale.ROOT, "; %d is outside [%d, %d], so %d", current, bounds.min(), bounds.max(), desired);
    }
    // The hold is a recommendation of the current count: a scale-down after the metrics return waits
    // for the scale-down window to pass over it, rather than finding the window empty.
    StabilizationState next = state.record(new RecommendedCount(now, desired), behavior.retention()).withZero(zero);
    next = desired > current ? next.withLastScaleUp(now) : next;
    return new Decision(now, current, desired, DecisionReason.METRICS_UNAVAILABLE, message, limit, OptionalInt.empty(),
        StabilityVerdict.UNKNOWN, "no metrics to judge stability by: " + u.reason(), coming, stalled,
        OptionalDouble.empty(), next);
  }

  private Decision decideMeasured(Instant now, LoadReading.Measured m, ReplicaCounts replicas, StabilizationState state,
      int coming, int stalled) {
    Capacity capacity = m.capacity();
    Queueing queueing = m.queueing();
    double lambda = m.arrivals().rate();
    double mu = capacity.stableRate();
    double z = behavior.confidence();
    int current = replicas.spec();
    int needed = count(lambda, capacity, queueing);
    // A rise inside the window: the rate since is what the load has become; the window's mean lags it.
    // Scale-ups are sized for it, and a scale-down keeps its margin too.
    Optional<ArrivalRate.Rise> rise = m.arrivals().rise().filter(r -> r.rate() > lambda);
    double riseUpper = rise.map(r -> r.rate() + z * r.standardError()).orElse(0.0);
    double upper = Math.max(m.arrivals().upperBound(z), riseUpper);
    String upperName = riseUpper > m.arrivals().upperBound(z) ? "rate since the rise" : "λ̂";
    int neededWithMargin = count(upper, capacity, queueing);
    double lambdaUp = rise.map(ArrivalRate.Rise::rate).orElse(lambda);
    double sigmaUp = rise.map(ArrivalRate.Rise::standardError).orElse(m.arrivals().standardError());
    // A ramp: a replica asked for now serves a start-up later, when the line says the rate is higher.
    Optional<ArrivalRate.Trend> ramp = m.arrivals().trend().filter(tr -> tr.slope() > 0);
    double ahead = behavior.startupTime().plus(behavior.period()).toMillis() / 1000.0;
    double lambdaAhead = ramp.map(tr -> tr.rateAhead(ahead)).orElse(0.0);
    boolean forecast = lambdaAhead > lambdaUp;
    double lambdaSized = Math.max(lambdaUp, lambdaAhead);
    int neededUp = lambdaSized > lambda ? count(lambdaSized, capacity, queueing) : needed;
    int neededToDrain = neededToDrain(queueing, lambdaUp, neededUp, lambdaSized, replicas, mu);

    int recommendation;
    DecisionReason reason;
    StringBuilder why = new StringBuilder(slo.isPresent()
        ? String.format(Locale.ROOT, "λ̂ = %.3g req/s with μ̂ = %.3g req/s per replica (%s) needs %d for TTFT p%s ≤ %.3g s",
            lambda, mu, capacity.bottleneck().description(), needed, slo.get().percentileName(), slo.get().targetSeconds())
        : String.format(Locale.ROOT, "λ̂ = %.3g req/s at ρ = %.2f of μ̂ = %.3g req/s per replica (%s) needs %d",
            lambda, targetUtilization, mu, capacity.bottleneck().description(), needed));
    if (rise.isPresent() && count(lambdaUp, capacity, queueing) > needed) {
      why.append(String.format(Locale.ROOT, "; arrivals rose to %.3g req/s %.0f s ago, which needs %d",
          lambdaUp, rise.get().secondsAgo(), count(lambdaUp, capacity, queueing)));
    }
    if (forecast && neededUp > needed) {
      why.append(String.format(Locale.ROOT, "; arrivals trend up %.3g req/s per minute, to %.3g req/s a start-up (%.0f s) ahead, which needs %d",
          ramp.get().slope() * 60, lambdaAhead, ahead, neededUp));
    }
    int forArrivalsUp = neededUp;
    if (neededToDrain > neededUp) {
      why.append(String.format(Locale.ROOT, "; %.0f requests queued, %.0f when the replicas asked for now serve, drain within %.0f s with %d",
          queueing.queued(), projectedQueue(queueing, lambdaUp, replicas, mu), slo.get().drainSeconds(), neededToDrain));
      neededUp = neededToDrain;
    }
    double lambdaFewest = Math.max(0, lambdaUp - z * sigmaUp);
    int fewestForArrivals = count(lambdaFewest, capacity, queueing);
    // The queue is counted, not estimated: its drain at the band's lower end is as certain as that end.
    // (A lower rate leaves less of the queue to be served within the target, so the drain at the mean is the most it asks.)
    int fewest = Math.max(fewestForArrivals,
        Math.min(neededToDrain, neededToDrain(queueing, lambdaFewest, fewestForArrivals, lambdaFewest, replicas, mu)));
    int most = Math.max(count(lambdaUp + z * sigmaUp, capacity, queueing), neededToDrain);
    // A wait that has begun runs on while the band's upper end still asks for more, so an estimate
    // wandering around a count's edge does not restart it: a scale-up waits the settle time at most.
    Optional<Instant> pendingSince = most > current ? state.scaleUpPendingSince() : Optional.empty();
    if (neededUp > current) {
      recommendation = neededUp;
      reason = DecisionReason.LOAD_ABOVE_TARGET;
      Instant since = state.scaleUpPendingSince().orElse(now);
      Instant settled = since.plus(behavior.scaleUpSettleTime());
      // Kept until the replicas reach the count, so a scale-up that was not applied (Recommend mode)
      // or fell short does not wait again.
      pendingSince = Optional.of(since);
      // A ramp is no step to settle on: waiting only lets it run ahead of the replicas.
      if (fewest != most && now.isBefore(settled) && !forecast) {
        if (slo.isPresent() && fewest > current) {
          // With an SLO, waiting costs the latency it promises: the band's lower end is certain, so it is taken now.
          recommendation = fewest;
          why.append(String.format(Locale.ROOT,
              "; %.3g ± %.3g·%.3g req/s needs %d to %d: %d now, settling, up to %d s more, for the rest",
              lambdaUp, z, sigmaUp, fewest, most, fewest, Duration.between(now, settled).toSeconds()));
        } else {
          recommendation = current;
          reason = DecisionReason.SCALE_UP_SETTLING;
          why.append(String.format(Locale.ROOT,
              ", but %.3g ± %.3g·%.3g req/s needs %d to %d: settling, up to %d s more, for one count",
              lambdaUp, z, sigmaUp, fewest, most, Duration.between(now, settled).toSeconds()));
        }
      }
    } else if (Math.max(neededWithMargin, neededToDrain) < current) {
      recommendation = Math.max(neededWithMargin, neededToDrain);
      reason = DecisionReason.LOAD_BELOW_TARGET;
      if (neededWithMargin > needed) {
        why.append(String.format(Locale.ROOT, "; with margin (%s + %.3g·σ = %.3g req/s) %d",
            upperName, z, upper, neededWithMargin));
      }
    } else if (needed < current) {
      recommendation = current;
      reason = DecisionReason.WITHIN_MARGIN;
      why.append(String.format(Locale.ROOT, ", but %s + %.3g·σ = %.3g req/s needs %d: holding %d",
          upperName, z, upper, neededWithMargin, current));
    } else {
      recommendation = current;
      reason = DecisionReason.AT_TARGET;
    }

    // Replicas added to drain a backlog are not needed once it has drained and they have come up:
    // from then the scale-down window holds only what the arrivals asked for. Held the window long,
    // they were what a backlog cost most; removed while starting, their start-up is lost.
    int forArrivals = forArrivalsUp > current ? forArrivalsUp : neededWithMargin < current ? neededWithMargin : current;
    boolean drainHeld = (slo.isPresent() && slo.get().backlog(queueing.queued(), lambdaUp) > 0) || coming > 0;
    StabilizationState next = state.record(new RecommendedCount(now, recommendation, Math.min(recommendation, forArrivals)),
            behavior.retention())
        .withScaleUpPendingSince(pendingSince).withZero(state.zero().withIdleSince(Optional.empty()).withStableRate(mu));
    Limited limited = limit(now, current, recommendation, reason, why, next, coming, stalled, true, drainHeld);
    int desired = limited.desired();
    if (desired > current) {
      next = next.withLastScaleUp(now);
    }
    StabilityVerdict verdict = verdict(lambda, replicas.ready(), capacity);
    OptionalDouble predicted = slo.map(s -> {
      double p = TtftApproximation.ttftQuantile(Math.max(1, desired), lambdaSized, mu, s.percentile(), queueing.arrivalScv(),
          queueing.serviceScv(), queueing.burstFactor(), queueing.prefillSeconds());
      return Double.isFinite(p) ? OptionalDouble.of(p) : OptionalDouble.empty();
    }).orElse(OptionalDouble.empty());
    return new Decision(now, current, desired, limited.reason(), why.toString(), limited.limit(), OptionalInt.of(neededUp), verdict,
        stabilityMessage(verdict, lambda, replicas.ready(), capacity, coming), coming, stalled,
        OptionalDouble.of(lambdaUp / (desired * mu)), next, slo, predicted);
  }

  private Decision decideIdle(Instant now, LoadReading.Idle idle, ReplicaCounts replicas, StabilizationState state,
      int coming, int stalled) {
    int current = replicas.spec();
    StringBuilder why = new StringBuilder("no request arrived, completed or waited in the window: the service is idle and needs 1");
    DecisionReason reason = current == 1 ? DecisionReason.AT_TARGET : DecisionReason.IDLE;
    Instant idleSince = state.zero().idleSince().orElse(now.minus(idle.quietFor()));
    int recommendation = 1;
    if (scaleToZero.isPresent()) {
      Duration startup = coldStart();
      Duration before = scaleToZero.get().idleBeforeZero(startup);
      long idleSeconds = Duration.between(idleSince, now).toSeconds();
      if (!idle.heldRequestsRead()) {
        why.append("; not going to zero: the gateway's held requests were not read, and at zero nothing else would see a request");
      } else if (!Duration.between(idleSince, now).minus(before).isNegative()) {
        recommendation = 0;
        reason = DecisionReason.SCALED_TO_ZERO;
        why = new StringBuilder(String.format(Locale.ROOT,
            "idle for %d s, at least max(idleAfter %d s, cold start %d s): a replica kept longer costs more than the "
                + "next request's cold start is worth; the gateway holds requests until a replica serves",
            idleSeconds, scaleToZero.get().idleAfter().toSeconds(), startup.toSeconds()));
      } else {
        why.append(String.format(Locale.ROOT, "; idle for %d s, to zero after %d s (max of idleAfter and the cold start of %d s)",
            idleSeconds, before.toSeconds(), startup.toSeconds()));
      }
    }
    StabilizationState next = state.record(new RecommendedCount(now, recommendation), behavior.retention())
        .withScaleUpPendingSince(Optional.empty()).withZero(state.zero().withIdleSince(Optional.of(idleSince)));
    // The idle rule is the wait before zero: nothing arrived for idleAfter (at least a start-up), so the
    // scale-down window, which guards against a load that may come back, is not waited for on top of it.
    Limited limited = limit(now, current, recommendation, reason, why, next, coming, stalled, recommendation > 0, false);
    if (limited.desired() > current) {
      next = next.withLastScaleUp(now);
    }
    return new Decision(now, current, limited.desired(), limited.reason(), why.toString(), limited.limit(),
        OptionalInt.of(recommendation), StabilityVerdict.STABLE, "no load: nothing arrives, so the queue cannot grow",
        coming, stalled, OptionalDouble.of(0), next);
  }

  /**
   * No replica serves (at zero, or woken and still starting): the gateway's held requests H and
   * arrival rate λ decide. Nothing held and nothing arriving: the count stays. Else the replicas that
   * drain the held queue within the drain time D and serve the arrivals: ⌈λ/(ρ·μ̂)⌉ +
   * ⌈(H + λ·S)/(D·μ̂)⌉, S the start-up still ahead, μ̂ the stable rate last measured (1 replica while
   * it is unknown). Never fewer than now: nothing serves to measure a fall. A wake skips the
   * stabilisation windows (a request is waiting); step limits and bounds apply.
   */
  private Decision decideHeld(Instant now, LoadReading.Held h, ReplicaCounts replicas, StabilizationState state,
      int coming, int stalled) {
    int current = replicas.spec();
    ZeroState zero = state.zero().withIdleSince(Optional.empty());
    double held = h.heldRequests();
    double lambda = h.arrivalRate().orElse(0);
    String arriving = h.arrivalRate().isPresent() ? String.format(Locale.ROOT, ", %.3g req/s arriving", lambda) : "";
    if (held == 0 && lambda == 0) {
      DecisionReason reason = current == 0 ? DecisionReason.IDLE_AT_ZERO : DecisionReason.AT_TARGET;
      String why = current == 0
          ? "hold 0: the gateway holds no request" + arriving + ": staying at zero"
          : "hold " + current + ": no replica serves yet and the gateway holds no request" + arriving;
      StabilizationState next = state.record(new RecommendedCount(now, current), behavior.retention())
          .withScaleUpPendingSince(Optional.empty()).withZero(zero);
      return new Decision(now, current, current, reason, why, ScalingLimit.NONE, OptionalInt.of(current),
          StabilityVerdict.STABLE, "no request waits", coming, stalled, OptionalDouble.empty(), next);
    }
    double startup = coldStart().toMillis() / 1000.0;
    double ahead = state.zero().wokeAt().map(t -> Math.max(0, startup - Duration.between(t, now).toMillis() / 1000.0))
        .orElse(startup);
    double drain = slo.map(TtftSlo::drainSeconds).orElse(Defaults.ttftDrainTime().toMillis() / 1000.0);
    int needed;
    String sizing;
    if (zero.stableRate().isPresent()) {
      double mu = zero.stableRate().getAsDouble();
      double backlog = held + lambda * ahead;
      int forArrivals = lambda > 0 ? replicasFor(lambda, mu) : 0;
      needed = atLeastOne(forArrivals + Math.ceil(backlog / (drain * mu)));
      sizing = String.format(Locale.ROOT, "%.0f requests%s: %d for the arrivals at ρ = %.2f of μ̂ = %.3g req/s, and the %.0f "
          + "held when the replicas serve (%.0f s of start-up ahead) drained within %.0f s: %d",
          held, arriving, forArrivals, targetUtilization, mu, backlog, ahead, drain, needed);
    } else {
      needed = 1;
      sizing = String.format(Locale.ROOT, "%.0f requests%s; one replica's stable rate is not known yet (never measured): 1, "
          + "then the model sizes the service once it serves", held, arriving);
    }
    int recommendation = Math.max(current, needed);
    int desired = clamp(stepLimit(current, recommendation));
    ScalingLimit limit = desired == recommendation ? ScalingLimit.NONE
        : desired != stepLimit(current, recommendation) ? limitOf(stepLimit(current, recommendation), desired)
        : ScalingLimit.SCALE_UP_STEP;
    DecisionReason reason = current == 0 && desired > 0 ? DecisionReason.WOKE_ON_HELD_REQUESTS
        : desired > current ? DecisionReason.LOAD_ABOVE_TARGET : DecisionReason.AT_TARGET;
    if (current == 0 && desired > 0) {
      zero = zero.withWokeAt(Optional.of(now));
    }
    StringBuilder why = new StringBuilder(current == 0 ? "no replica; the gateway holds " : "no replica ready yet; the gateway holds ")
        .append(sizing);
    if (limit == ScalingLimit.SCALE_UP_STEP) {
      why.append(String.format(Locale.ROOT, "; scale-up step limit (%s) allows %d", behavior.scaleUpLimit(), desired));
    } else if (limit == ScalingLimit.MAX) {
      why.append(String.format(Locale.ROOT, "; capped at the maximum %d", bounds.max()));
    }
    why.insert(0, desired == current ? "hold " + current + ": " : current + " → " + desired + ": ");
    StabilizationState next = state.record(new RecommendedCount(now, recommendation), behavior.retention())
        .withScaleUpPendingSince(Optional.empty()).withZero(zero);
    if (desired > current) {
      next = next.withLastScaleUp(now);
    }
    return new Decision(now, current, desired, reason, why.toString(), limit, OptionalInt.of(needed), StabilityVerdict.UNSTABLE,
        String.format(Locale.ROOT, "no replica is ready: %.0f requests held at the gateway wait for one", held),
        coming, stalled, OptionalDouble.empty(), next);
  }

  private record Limited(int desired, DecisionReason reason, ScalingLimit limit) {}

  /** Stabilisation, step limits and bounds after a recommendation; appends their effect to {@code why}. */
  private Limited limit(Instant now, int current, int recommendation, DecisionReason reason, StringBuilder why,
      StabilizationState next, int coming, int stalled) {
    return limit(now, current, recommendation, reason, why, next, coming, stalled, true, true);
  }

  /**
   * @param windows false where the decision's own rule replaces the stabilisation windows (going to zero)
   * @param drainHeld whether the scale-down window still holds the replicas recommended to drain a
   *     backlog: one waits now, or replicas asked for still start
   */
  private Limited limit(Instant now, int current, int recommendation, DecisionReason reason, StringBuilder why,
      StabilizationState next, int coming, int stalled, boolean windows, boolean drainHeld) {
    int stabilized = windows ? stabilize(now, current, next, drainHeld) : recommendation;
    if (stabilized > recommendation && recommendation < current) {
      reason = DecisionReason.SCALE_DOWN_STABILIZATION;
      why.append(String.format(Locale.ROOT, "; scale-down stabilisation keeps %d (the largest recommendation of the last %d s)",
          stabilized, behavior.scaleDownWindow().toSeconds()));
    } else if (stabilized < recommendation && recommendation > current) {
      reason = DecisionReason.SCALE_UP_STABILIZATION;
      why.append(String.format(Locale.ROOT, "; scale-up stabilisation allows %d (the smallest recommendation of the last %d s)",
          stabilized, behavior.scaleUpWindow().toSeconds()));
    }

    int stepped = stepLimit(current, stabilized);
    int desired = clamp(stepped);
    ScalingLimit limit = desired != stepped ? limitOf(stepped, desired)
        : stepped != stabilized ? (stepped > current ? ScalingLimit.SCALE_UP_STEP : ScalingLimit.SCALE_DOWN_STEP)
        : ScalingLimit.NONE;
    switch (limit) {
      case MIN -> why.append(String.format(Locale.ROOT, "; raised to the minimum %d", bounds.min()));
      case MAX -> why.append(String.format(Locale.ROOT, "; capped at the maximum %d", bounds.max()));
      case SCALE_UP_STEP -> why.append(String.format(Locale.ROOT, "; scale-up step limit (%s) allows %d", behavior.scaleUpLimit(), desired));
      case SCALE_DOWN_STEP -> why.append(String.format(Locale.ROOT, "; scale-down step limit (%s) allows %d", behavior.scaleDownLimit(), desired));
      case NONE -> { }
    }
    if (coming > 0) {
      why.append(String.format(Locale.ROOT, "; %d replica%s still starting counted as coming capacity", coming, coming == 1 ? "" : "s"));
    }
    if (stalled > 0) {
      why.append(String.format(Locale.ROOT, "; %d replica%s not ready after the start-up time (%d s)",
          stalled, stalled == 1 ? "" : "s", behavior.startupTime().toSeconds()));
    }
    why.insert(0, desired == current ? "hold " + current + ": " : current + " → " + desired + ": ");
    return new Limited(desired, reason, limit);
  }

  /**
   * The replicas {@code rate} needs: with an SLO, the fewest whose predicted TTFT percentile meets
   * it ({@link TtftApproximation}), and never fewer than hold the rate at all; without, ⌈rate / (ρ·μ)⌉.
   */
  private int count(double rate, Capacity capacity, Queueing queueing) {
    if (slo.isEmpty()) {
      return replicasFor(rate, capacity);
    }
    double mu = capacity.stableRate();
    int stable = atLeastOne(Math.floor(rate / mu) + 1);
    if (stable > bounds.max()) {
      return stable;
    }
    TtftSlo s = slo.get();
    int forTtft = TtftApproximation.replicasFor(s.targetSeconds(), rate, mu, s.percentile(), queueing.arrivalScv(), queueing.serviceScv(),
        queueing.burstFactor(), queueing.prefillSeconds(), stable, bounds.max());
    // ρ stays the floor: it is the headroom for μ̂'s own error, which the approximation does not see.
    return Math.max(forTtft, replicasFor(rate, capacity));
  }

  /**
   * The queue when the replicas asked for now serve, a start-up from now: it grows while arrivals at
   * {@code arrivalRate} outrun the ready replicas.
   */
  private double projectedQueue(Queueing queueing, double arrivalRate, ReplicaCounts replicas, double mu) {
    double startup = behavior.startupTime().toMillis() / 1000.0;
    return queueing.queued() + Math.max(0, arrivalRate - replicas.ready() * mu) * startup;
  }

  /**
   * Replicas that drain the backlog within the SLO's drain time once they serve, on top of the
   * {@code forArrivals} that arrivals at {@code arrivalRate} need; 0 without an SLO or a backlog.
   * Up to the target's worth of arrivals in the queue is no backlog: they are served within the target.
   *
   * @param sizedRate the arrival rate the scale-up is sized for (a forecast's may be above {@code arrivalRate})
   */
  private int neededToDrain(Queueing queueing, double arrivalRate, int forArrivals, double sizedRate, ReplicaCounts replicas,
      double mu) {
    if (slo.isEmpty() || queueing.queued() <= 0) {
      return 0;
    }
    double backlog = slo.get().backlog(projectedQueue(queueing, arrivalRate, replicas, mu), arrivalRate);
    if (backlog <= 0) {
      return 0;
    }
    int toDrain = saturated(forArrivals + Math.ceil(backlog / (slo.get().drainSeconds() * mu)));
    if (queueing.gateway()) {
      return toDrain;
    }
    // A request waits in the replica it was routed to. New replicas drain those queues only by
    // taking every new arrival, so that the queued replicas serve their queues alone: that needs
    // every replica queued (else arrivals already have one without a queue), and no more than
    // the ready replicas plus those the arrivals need.
    return queueing.everyReplicaQueued() ? Math.min(toDrain, saturated(replicas.ready() + Math.ceil(sizedRate / mu))) : 0;
  }

  /** A replica count that saturates instead of overflowing (the bounds cap it anyway). */
  private static int saturated(double replicas) {
    return replicas >= Integer.MAX_VALUE / 2.0 ? Integer.MAX_VALUE / 2 : (int) replicas;
  }

  private static int atLeastOne(double replicas) {
    return Math.max(1, saturated(replicas));
  }

  /** ⌈rate / (ρ·μ)⌉ for a stable rate μ alone, at least 1; saturates instead of overflowing. */
  private int replicasFor(double rate, double mu) {
    return atLeastOne(Math.ceil(rate / (targetUtilization * mu) - 1e-9));
  }

  /** ⌈rate / (ρ·μ)⌉, at least 1; saturates instead of overflowing (the bounds cap it anyway). */
  private int replicasFor(double rate, Capacity capacity) {
    double exact = rate / (targetUtilization * capacity.stableRate());
    if (exact >= Integer.MAX_VALUE / 2.0) {
      return Integer.MAX_VALUE / 2;
    }
    return Provisioning.plan(capacity, rate, targetUtilization).replicas();
  }

  private int stabilize(Instant now, int current, StabilizationState state, boolean drainHeld) {
    Instant upCutoff = now.minus(behavior.scaleUpWindow());
    Instant downCutoff = now.minus(behavior.scaleDownWindow());
    int up = Integer.MAX_VALUE;
    int down = Integer.MIN_VALUE;
    for (RecommendedCount r : state.recommendations()) {
      if (!r.time().isBefore(upCutoff)) {
        up = Math.min(up, r.replicas());
      }
      if (!r.time().isBefore(downCutoff)) {
        down = Math.max(down, drainHeld ? r.replicas() : r.forArrivals());
      }
    }
    int result = current;
    if (result < up) {
      result = up;
    }
    if (result > down) {
      result = down;
    }
    return result;
  }

  private int stepLimit(int current, int target) {
    if (target > current) {
      long allowed = (long) current + behavior.scaleUpLimit().maxChange(current);
      return (int) Math.min(target, allowed);
    }
    if (target < current) {
      long allowed = (long) current - behavior.scaleDownLimit().maxChange(current);
      return (int) Math.max(target, allowed);
    }
    return target;
  }

  private int clamp(int replicas) {
    return Math.max(bounds.min(), Math.min(bounds.max(), replicas));
  }

  private static ScalingLimit limitOf(int before, int after) {
    if (after > before) {
      return ScalingLimit.MIN;
    }
    if (after < before) {
      return ScalingLimit.MAX;
    }
    return ScalingLimit.NONE;
  }

  static StabilityVerdict verdict(double lambda, int ready, Capacity capacity) {
    if (lambda == 0) {
      return StabilityVerdict.STABLE;
    }
    if (ready == 0 || lambda >= ready * capacity.instabilityBound()) {
      return StabilityVerdict.UNSTABLE;
    }
    if (lambda >= ready * capacity.stabilityBound()) {
      return StabilityVerdict.MARGINAL;
    }
    return StabilityVerdict.STABLE;
  }

  private static String stabilityMessage(StabilityVerdict verdict, double lambda, int ready, Capacity capacity, int coming) {
    String comingNote = coming > 0
        ? String.format(Locale.ROOT, "; %d more replica%s starting", coming, coming == 1 ? " is" : "s are") : "";
    return switch (verdict) {
      case STABLE -> String.format(Locale.ROOT, "λ̂ = %.3g req/s is below the stability bound of %d ready replica%s (%.3g req/s)",
          lambda, ready, ready == 1 ? "" : "s", ready * capacity.stabilityBound());
      case MARGINAL -> String.format(Locale.ROOT,
          "λ̂ = %.3g req/s is between the stability bound (%.3g) and the instability bound (%.3g req/s) of %d ready replica%s%s",
          lambda, ready * capacity.stabilityBound(), ready * capacity.instabilityBound(), ready, ready == 1 ? "" : "s", comingNote);
      case UNSTABLE -> ready == 0
          ? String.format(Locale.ROOT, "λ̂ = %.3g req/s and no replica is ready: the queue grows%s", lambda, comingNote)
          : String.format(Locale.ROOT, "λ̂ = %.3g req/s is at or above the instability bound of %d ready replica%s (%.3g req/s): the queue grows without bound%s",
              lambda, ready, ready == 1 ? "" : "s", ready * capacity.instabilityBound(), comingNote);
      case UNKNOWN -> "unknown";
    };
  }
}
