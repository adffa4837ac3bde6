package io.stableserve.sim;

/** One engine of a {@link Fleet}, with its life cycle. Read it only while the fleet is not advancing. */
public final class Replica {

  /** Where a replica is in its life. */
  public enum State {
    /** Created, loading the model: serves nothing until {@link #readyAt()}. */
    STARTING,
    /** Receives requests. */
    READY,
    /** Removed from the fleet: receives nothing new, finishes what it holds, then is gone. */
    DRAINING,
    /** No longer exists. */
    GONE
  }

  private final String name;
  private final int index;
  private final Engine engine;
  private final double createdAt;
  private final double readyAt;
  private State state;
  private double goneAt = Double.NaN;

  Replica(String name, int index, Engine engine, double createdAt, double readyAt) {
    this.name = name;
    this.index = index;
    this.engine = engine;
    this.createdAt = createdAt;
    this.readyAt = readyAt;
    this.state = readyAt <= createdAt ? State.READY : State.STARTING;
  }

  public String name() {
    return name;
  }

  /** Position in the order the fleet created replicas, from 0. */
  public int index() {
    return index;
  }

  public Engine engine() {
    return engine;
  }

  public State state() {
    return state;
  }

  public double createdAt() {
    return createdAt;
  }

  public double readyAt() {
    return readyAt;
  }

  /** When it stopped existing, NaN while it exists. */
  public double goneAt() {
    return goneAt;
  }

  /** Seconds it has held its GPU, up to {@code now}: from creation until it is gone. */
  public double gpuSeconds(double now) {
    double end = state == State.GONE ? goneAt : now;
    return Math.max(0, end - createdAt);
  }

  void setState(State next, double time) {
    state = next;
    if (next == State.GONE) {
      goneAt = time;
    }
  }
}
