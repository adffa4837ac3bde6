package io.stableserve.bench;

import io.stableserve.decide.ReplicaRange;

/**
 * Knative's KPA allowed to scale to zero ({@code enable-scale-to-zero}, its default), written from
 * its documentation and defaults: the KPA of {@link KnativeKpa} with a minimum of 0. When its
 * stable window (60 s) has seen no request, it wants 0 pods, and removes the last one once it has
 * wanted 0 for the {@code scale-to-zero-grace-period} (30 s). At zero the activator holds the
 * requests and reports them at once, so the first one scales the service to at least one pod at
 * the next tick (2 s), the held requests counted as concurrency.
 */
public final class KnativeKpaToZero implements Autoscaler {

  public static final String NAME = "Knative KPA, to zero";

  public static final double GRACE_PERIOD_SECONDS = 30;

  private final KnativeKpa kpa;
  private final int max;
  private double wantedZeroSince = Double.NaN;

  public KnativeKpaToZero(ReplicaRange range, double target) {
    this.kpa = new KnativeKpa(new ReplicaRange(0, range.max()), target);
    this.max = range.max();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double periodSeconds() {
    return KnativeKpa.TICK_SECONDS;
  }

  @Override
  public int decide(FleetMetrics metrics, int specReplicas, int readyReplicas) {
    int desired = kpa.decide(metrics, specReplicas, readyReplicas);
    if (metrics.latestAtRouter() > 0 && desired == 0) {
      // The activator holds a request: the service needs a pod, whatever the windows say.
      desired = Math.min(1, max);
    }
    if (desired > 0 || specReplicas == 0) {
      wantedZeroSince = Double.NaN;
      return desired;
    }
    if (Double.isNaN(wantedZeroSince)) {
      wantedZeroSince = metrics.now();
    }
    return metrics.now() - wantedZeroSince >= GRACE_PERIOD_SECONDS ? 0 : specReplicas;
  }
}
