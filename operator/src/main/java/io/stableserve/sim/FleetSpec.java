package io.stableserve.sim;

/**
 * How a simulated fleet is built: the engine of every replica, how long a new replica takes to
 * start serving, the model name its metrics carry, and its context length (for the metrics'
 * token-histogram buckets).
 */
public record FleetSpec(EngineSetup engine, double startupSeconds, String modelName, long maxModelLen) {

  public FleetSpec {
    if (engine == null) {
      throw new IllegalArgumentException("a fleet needs an engine spec");
    }
    if (!(startupSeconds >= 0) || Double.isInfinite(startupSeconds)) {
      throw new IllegalArgumentException("start-up delay must be a finite number of seconds >= 0, got "
          + startupSeconds);
    }
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalArgumentException("the fleet's model needs a name");
    }
    if (maxModelLen < 1) {
      throw new IllegalArgumentException("max model length must be at least 1 token, got " + maxModelLen);
    }
  }

  public static FleetSpec of(EngineSetup engine, double startupSeconds) {
    return new FleetSpec(engine, startupSeconds, "simulated/llm", engine.config().kvCacheTokens());
  }
}
