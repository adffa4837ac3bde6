package io.stableserve.sim;

import io.stableserve.sim.arrivals.Arrival;
import io.stableserve.sim.arrivals.RequestSource;
import io.stableserve.sim.metrics.GatewayExposition;
import io.stableserve.sim.metrics.VllmExposition;
import io.stableserve.sim.metrics.VllmMetricsSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.commons.math3.random.MersenneTwister;

/**
 * N simulated vLLM replicas behind a router, of one engine or of several (a mixed fleet: {@link #Fleet(FleetSpec,
 * RequestSource, Router, List, long)}), fed by a {@link RequestSource} and advanced in
 * simulated time. Replicas can be added (they serve after the start-up delay) and removed (they
 * drain: no new requests, the ones they hold run to completion). Requests that arrive while no
 * replica is ready wait at the router and go out, in order, as soon as one is.
 *
 * <p>With a gateway ({@link FleetSpec#gatewayWaitingLimit()} K), the router also holds a request
 * while every ready replica already has at least K requests in its waiting queue, and hands the
 * held requests out in arrival order, each to the replica the router picks among those with fewer
 * than K waiting, as soon as one has: the fleet then steps from engine step to engine step while it
 * holds requests, since a replica's waiting queue shrinks only when a step starts. A held request's
 * time at the gateway counts in its latency (the log keeps its arrival); the engines' own metrics
 * count from the moment it reaches them, as vLLM's do.
 *
 * <p>Driven either in simulated time (the benchmark: {@code advanceTo(t)} each control period) or
 * from a wall clock mapped to simulated time (the end-to-end harness). All public methods are
 * synchronized, so metrics can be read from another thread while one thread advances the fleet.
 */
public final class Fleet {

  private final FleetSpec spec;
  private final RequestSource source;
  private final Router router;
  private final long seed;
  private final RequestLog log = new RequestLog();
  private final List<Replica> replicas = new ArrayList<>();
  private final List<Replica> ready = new ArrayList<>();
  private final ArrayDeque<Pending> atRouter = new ArrayDeque<>();
  /** The ids of the requests that arrived while no replica was ready: held until one started, they paid its start-up. */
  private final java.util.BitSet arrivedWithNoReplica = new java.util.BitSet();
  private double now;
  private long arrivals;
  private long rejected;
  private long nextRequestId;

  private record Pending(long id, Arrival arrival) {}

  /**
   * @param initialReplicas replicas that are ready at time 0
   * @param seed seeds each replica's step-time noise
   */
  public Fleet(FleetSpec spec, RequestSource source, Router router, int initialReplicas, long seed) {
    this(spec, source, router, copies(spec.engine(), initialReplicas), seed);
  }

  /**
   * A fleet of mixed engines (several GPU types serving one model): one ready replica per entry of
   * {@code initialEngines}, in that order. The fleet's own engine ({@link FleetSpec#engine()}) is
   * what {@link #scaleTo(int)} and {@link #addReplica()} start.
   */
  public Fleet(FleetSpec spec, RequestSource source, Router router, List<EngineSetup> initialEngines, long seed) {
    this.spec = spec;
    this.source = source;
    this.router = router;
    this.seed = seed;
    for (EngineSetup engine : initialEngines) {
      create(0, engine);
    }
  }

  private static List<EngineSetup> copies(EngineSetup engine, int replicas) {
    if (replicas < 0) {
      throw new IllegalArgumentException("initial replicas must be >= 0, got " + replicas);
    }
    return Collections.nCopies(replicas, engine);
  }

  private Replica create(double readyAt) {
    return create(readyAt, spec.engine());
  }

  private Replica create(double readyAt, EngineSetup setup) {
    int index = replicas.size();
    Engine engine = new Engine(setup, new MersenneTwister(seed * 1_000_003L + index),
        log.listenerFor(index), spec.maxModelLen());
    Replica r = new Replica("replica-" + index, index, engine, now, readyAt);
    replicas.add(r);
    if (r.state() == Replica.State.READY) {
      ready.add(r);
    }
    return r;
  }

  /** Runs the fleet until simulated time {@code t}: arrivals, routing, engine steps, start-ups, drains. */
  public synchronized void advanceTo(double t) {
    if (t < now) {
      throw new IllegalArgumentException("cannot go back in time from " + now + " s to " + t + " s");
    }
    while (true) {
      double arrival = source.nextTime();
      double startup = nextStartup();
      double release = nextRelease();
      double event = Math.min(arrival, Math.min(startup, release));
      if (event > t) {
        break;
      }
      runEnginesTo(event);
      now = event;
      if (startup <= arrival && startup <= release) {
        becomeReady(event);
      } else if (release <= arrival) {
        // Held requests are older than the arrival at the same instant: they go first.
        releaseHeld(event);
      } else {
        Arrival a = source.next();
        arrivals++;
        route(new Pending(nextRequestId++, a));
      }
    }
    runEnginesTo(t);
    now = t;
  }

  /** As {@link #advanceTo(double)}, but does nothing when the fleet is already past {@code t}. */
  public synchronized void advanceToAtLeast(double t) {
    if (t > now) {
      advanceTo(t);
    }
  }

  private double nextStartup() {
    double next = Double.POSITIVE_INFINITY;
    for (Replica r : replicas) {
      if (r.state() == Replica.State.STARTING && r.readyAt() < next) {
        next = r.readyAt();
      }
    }
    return next;
  }

  private void becomeReady(double time) {
    for (Replica r : replicas) {
      if (r.state() == Replica.State.STARTING && r.readyAt() <= time) {
        r.setState(Replica.State.READY, time);
        ready.add(r);
      }
    }
    releaseHeld(time);
  }

  /**
   * The next instant a held request may go out: with a gateway holding requests, the first end of
   * a step of a ready replica (its waiting queue can shrink only then); +∞ otherwise.
   */
  private double nextRelease() {
    if (!spec.gateway() || atRouter.isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    double next = Double.POSITIVE_INFINITY;
    for (Replica r : ready) {
      next = Math.min(next, r.engine().nextStepEnd());
    }
    return next;
  }

  /** Hands out held requests, oldest first, while a ready replica can take one. */
  private void releaseHeld(double time) {
    while (!atRouter.isEmpty() && !ready.isEmpty()) {
      List<Replica> open = open();
      if (open.isEmpty()) {
        return;
      }
      dispatch(atRouter.poll(), time, open);
    }
  }

  /**
   * The ready replicas a request may go to now: all of them without a gateway; with one, those
   * with fewer than K requests waiting.
   */
  private List<Replica> open() {
    if (!spec.gateway()) {
      return ready;
    }
    int limit = spec.gatewayWaitingLimit().getAsInt();
    List<Replica> open = new ArrayList<>(ready.size());
    for (Replica r : ready) {
      if (r.engine().waiting() < limit) {
        open.add(r);
      }
    }
    return open;
  }

  private void route(Pending p) {
    if (ready.isEmpty()) {
      arrivedWithNoReplica.set((int) p.id());
    }
    // FIFO: with requests already held, a new one queues behind them.
    if (ready.isEmpty() || !atRouter.isEmpty()) {
      atRouter.add(p);
      return;
    }
    List<Replica> open = open();
    if (open.isEmpty()) {
      atRouter.add(p);
    } else {
      dispatch(p, p.arrival().time(), open);
    }
  }

  private void dispatch(Pending p, double time, List<Replica> candidates) {
    Replica target = candidates.get(router.choose(candidates));
    Arrival a = p.arrival();
    // A request held at the router keeps its arrival time in the log, so its wait there counts.
    if (!target.engine().submit(p.id(), time, a.time(), a.promptTokens(), a.outputTokens())) {
      rejected++;
    }
  }

  private void runEnginesTo(double t) {
    for (Replica r : replicas) {
      if (r.state() == Replica.State.GONE) {
        continue;
      }
      r.engine().advanceTo(t);
      if (r.state() == Replica.State.DRAINING && r.engine().inSystem() == 0) {
        r.setState(Replica.State.GONE, Math.max(r.engine().lastStepEnd(), r.createdAt()));
      }
    }
  }

  /**
   * Sets the number of replicas that exist and are not draining, as a Deployment's
   * {@code spec.replicas} does. New ones start now and serve after the start-up delay; surplus ones
   * are removed newest first, those still starting before those serving, which drain.
   */
  public synchronized void scaleTo(int desired) {
    scale(desired, spec.engine(), r -> true);
  }

  /**
   * As {@link #scaleTo(int)} for the replicas of one engine only (one variant of a mixed fleet):
   * sets how many replicas running {@code engine} exist and are not draining; the others are left
   * as they are.
   */
  public synchronized void scaleTo(EngineSetup engine, int desired) {
    scale(desired, engine, r -> r.engine().spec().equals(engine));
  }

  private void scale(int desired, EngineSetup engine, Predicate<Replica> counted) {
    if (desired < 0) {
      throw new IllegalArgumentException("replica count must be >= 0, got " + desired);
    }
    int current = desiredCount(counted);
    for (int i = current; i < desired; i++) {
      create(now + spec.startupSeconds(), engine);
    }
    for (int i = desired; i < current; i++) {
      remove(newest(Replica.State.STARTING, counted).or(() -> newest(Replica.State.READY, counted)).orElseThrow());
    }
  }

  /** Adds one replica; returns its name. */
  public synchronized String addReplica() {
    return create(now + spec.startupSeconds()).name();
  }

  /** Adds one replica running {@code engine}; returns its name. */
  public synchronized String addReplica(EngineSetup engine) {
    return create(now + spec.startupSeconds(), engine).name();
  }

  /** Removes the named replica: drops it if still starting, drains it if serving. */
  public synchronized void removeReplica(String name) {
    Replica r = replicas.stream().filter(x -> x.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no replica named " + name));
    if (r.state() == Replica.State.DRAINING || r.state() == Replica.State.GONE) {
      throw new IllegalArgumentException("replica " + name + " is already " + r.state());
    }
    remove(r);
  }

  private Optional<Replica> newest(Replica.State state, Predicate<Replica> among) {
    for (int i = replicas.size() - 1; i >= 0; i--) {
      if (replicas.get(i).state() == state && among.test(replicas.get(i))) {
        return Optional.of(replicas.get(i));
      }
    }
    return Optional.empty();
  }

  private void remove(Replica r) {
    if (r.state() == Replica.State.STARTING) {
      r.setState(Replica.State.GONE, now);
      return;
    }
    ready.remove(r);
    if (r.engine().inSystem() == 0) {
      r.setState(Replica.State.GONE, now);
    } else {
      r.setState(Replica.State.DRAINING, now);
    }
  }

  private int desiredCount(Predicate<Replica> among) {
    int n = 0;
    for (Replica r : replicas) {
      if ((r.state() == Replica.State.STARTING || r.state() == Replica.State.READY) && among.test(r)) {
        n++;
      }
    }
    return n;
  }

  // ---- observation ----

  public synchronized double now() {
    return now;
  }

  public FleetSpec spec() {
    return spec;
  }

  public Router router() {
    return router;
  }

  /** Every replica ever created, GONE ones included, in creation order. */
  public synchronized List<Replica> replicas() {
    return List.copyOf(replicas);
  }

  /** The replicas that exist now (not GONE). */
  public synchronized List<Replica> liveReplicas() {
    return replicas.stream().filter(r -> r.state() != Replica.State.GONE).toList();
  }

  /** The completed requests so far. */
  public RequestLog log() {
    return log;
  }

  public synchronized long arrivals() {
    return arrivals;
  }

  /** Requests no engine could ever hold (longer than its KV cache). */
  public synchronized long rejected() {
    return rejected;
  }

  /** GPU-seconds so far: every replica from its creation until it is gone, start-up and drain included. */
  public synchronized double gpuSeconds() {
    double total = 0;
    for (Replica r : replicas) {
      total += r.gpuSeconds(now);
    }
    return total;
  }

  /** The fleet at this instant. */
  public synchronized FleetSample sample() {
    int starting = 0, serving = 0, draining = 0, running = 0, waiting = 0;
    long preemptions = 0, completed = 0;
    double usage = 0;
    for (Replica r : replicas) {
      Engine e = r.engine();
      preemptions += e.preemptions();
      completed += e.completed();
      switch (r.state()) {
        case STARTING -> starting++;
        case READY -> {
          serving++;
          usage += e.kvCacheUsage();
        }
        case DRAINING -> draining++;
        case GONE -> { }
      }
      if (r.state() == Replica.State.READY || r.state() == Replica.State.DRAINING) {
        running += e.running();
        waiting += e.waiting();
      }
    }
    return new FleetSample(now, starting, serving, draining, running, waiting, atRouter.size(),
        serving == 0 ? 0 : usage / serving, arrivals, completed, preemptions, gpuSeconds());
  }

  /**
   * How long the longest-waiting request still without a first token, in a serving or draining
   * engine's queue or held at the router, has waited since it arrived, in seconds (0 when none
   * waits). Apart from {@link #sample()}, which runs on every scrape, because it walks the queues.
   */
  public synchronized double longestWaitForFirstToken() {
    double longest = atRouter.isEmpty() ? 0 : now - atRouter.peek().arrival().time();
    for (Replica r : replicas) {
      if (r.state() == Replica.State.READY || r.state() == Replica.State.DRAINING) {
        longest = Math.max(longest, r.engine().longestWaitForFirstToken(now));
      }
    }
    return longest;
  }

  /** The vLLM {@code /metrics} page of a live replica, by name. */
  public synchronized String metricsPage(String replicaName, VllmExposition.Dialect dialect) {
    Replica r = replicas.stream().filter(x -> x.name().equals(replicaName) && x.state() != Replica.State.GONE)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no live replica named " + replicaName));
    return VllmExposition.render(r.engine().metrics(), spec.modelName(), 0, dialect);
  }

  /** Whether the request arrived while no replica was ready (a cold start: it waited for one to start). */
  public synchronized boolean arrivedWithNoReplicaReady(long requestId) {
    return requestId >= 0 && requestId < Integer.MAX_VALUE && arrivedWithNoReplica.get((int) requestId);
  }

  /** Requests held at the router now: no ready replica could take them (or, with a gateway, none had room). */
  public synchronized int held() {
    return atRouter.size();
  }

  /**
   * The gateway's {@code /metrics} page: the requests it holds now and those it received, under the
   * inference gateway's names ({@link GatewayExposition}).
   */
  public synchronized String gatewayMetricsPage() {
    return GatewayExposition.render(atRouter.size(), arrivals, spec.modelName());
  }

  /** The metrics of a replica (live or gone) at this instant. */
  public synchronized VllmMetricsSnapshot metrics(Replica replica) {
    return replica.engine().metrics();
  }
}
