package io.stableserve.sim;

import java.util.OptionalInt;

/**
 * How a simulated fleet is built: the engine of every replica, how long a new replica takes to
 * start serving, the model name its metrics carry, its context length (for the metrics'
 * token-histogram buckets), and where requests wait.
 *
 * @param gatewayWaitingLimit empty: every request goes to a replica the moment it arrives and waits
 *     in that replica's queue (pinned by the router); K: a central gateway queue (flow control, as
 *     llm-d's endpoint picker has it) holds a request while every ready replica already has at
 *     least K requests waiting, and hands held requests out in arrival order as soon as a replica
 *     has fewer than K waiting. K ≥ 1.
 */
public record FleetSpec(EngineSetup engine, double startupSeconds, String modelName, long maxModelLen,
    OptionalInt gatewayWaitingLimit) {

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
    if (gatewayWaitingLimit == null) {
      gatewayWaitingLimit = OptionalInt.empty();
    }
    if (gatewayWaitingLimit.isPresent() && gatewayWaitingLimit.getAsInt() < 1) {
      throw new IllegalArgumentException("the gateway's waiting limit must be at least 1 request (with 0 it would "
          + "hold every request forever), got " + gatewayWaitingLimit.getAsInt());
    }
  }

  /** Requests pinned to a replica on arrival. */
  public FleetSpec(EngineSetup engine, double startupSeconds, String modelName, long maxModelLen) {
    this(engine, startupSeconds, modelName, maxModelLen, OptionalInt.empty());
  }

  public static FleetSpec of(EngineSetup engine, double startupSeconds) {
    return new FleetSpec(engine, startupSeconds, "simulated/llm", engine.config().kvCacheTokens());
  }

  /** The same fleet with a central gateway queue that holds requests while every ready replica has {@code k} waiting. */
  public FleetSpec withGateway(int k) {
    return new FleetSpec(engine, startupSeconds, modelName, maxModelLen, OptionalInt.of(k));
  }

  /** Whether requests wait in a central gateway queue rather than in the replica the router picked. */
  public boolean gateway() {
    return gatewayWaitingLimit.isPresent();
  }
}
