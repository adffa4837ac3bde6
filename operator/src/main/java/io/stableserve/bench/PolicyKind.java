package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.time.Duration;
import java.util.Locale;

/** The policies the benchmark compares, each built afresh for a run. */
public enum PolicyKind {
  STABLESERVE("stableserve"),
  HPA_KV("hpa"),
  KEDA_QUEUE("keda"),
  WVA_SATURATION("wva"),
  KNATIVE_KPA("kpa"),
  ORACLE("oracle");

  private final String key;

  PolicyKind(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static PolicyKind parse(String text) {
    for (PolicyKind k : values()) {
      if (k.key.equalsIgnoreCase(text.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown policy '" + text + "'; expected one of stableserve, hpa, keda, wva, kpa, oracle");
  }

  /** A fresh policy for one run; the oracle needs the workload and one replica's empirical capacity to plan from. */
  public Autoscaler create(BenchSetup setup, BenchWorkload workload, EmpiricalCapacity capacity) {
    ReplicaRange range = setup.range();
    return switch (this) {
      case STABLESERVE -> StableServeAutoscaler.of(range, setup);
      case HPA_KV -> KvCacheHpa.withDefaults(range);
      case KEDA_QUEUE -> KedaQueueScaler.withDefaults(range);
      case WVA_SATURATION -> new SaturationScaler(range);
      case KNATIVE_KPA -> new KnativeKpa(range, KnativeKpa.DEFAULT_TARGET);
      case ORACLE -> Oracle.plan(workload, setup.seed(), capacity, range, Oracle.DEFAULT_INTERVAL_SECONDS);
    };
  }

  @Override
  public String toString() {
    return key.toLowerCase(Locale.ROOT);
  }
}
