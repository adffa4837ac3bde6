package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kubernetes HPA on KV-cache usage: a {@code Pods} metric {@code vllm:kv_cache_usage_perc}
 * (through a metrics adapter, the latest scrape of each pod) with an {@code AverageValue} target,
 * default 0.8, tolerance 0.1 and the default behaviour (scale-down stabilisation 300 s, scale-up by
 * max(100%, 4 pods) and scale-down by 100% per 15 s). Pods that are terminating are left out; pods
 * still loading report nothing and count as missing.
 */
public final class KvCacheHpa implements Autoscaler {

  public static final String NAME = "HPA (KV cache)";

  public static final double DEFAULT_TARGET = 0.8;

  private final HorizontalPodAutoscaler hpa;
  private final double target;

  public KvCacheHpa(ReplicaRange range, double target, HpaBehavior behavior) {
    this.hpa = new HorizontalPodAutoscaler(behavior, range, HorizontalPodAutoscaler.DEFAULT_TOLERANCE);
    this.target = target;
  }

  public static KvCacheHpa withDefaults(ReplicaRange range) {
    return new KvCacheHpa(range, DEFAULT_TARGET, HpaBehavior.defaults());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return 15;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    List<Double> values = new ArrayList<>();
    for (FleetMetrics.PodReading p : metrics.latest()) {
      if (!p.draining()) {
        values.add(p.kvCacheUsage());
      }
    }
    if (values.isEmpty()) {
      return specReplicas;
    }
    int missing = Math.max(0, specReplicas - values.size());
    int recommended = hpa.podsMetricReplicas(values, missing, specReplicas, target);
    return hpa.normalize(metrics.now(), specReplicas, recommended);
  }
}
