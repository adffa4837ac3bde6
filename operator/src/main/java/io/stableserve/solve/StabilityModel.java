package io.stableserve.solve;

import io.stableserve.workload.Workload;

/** Solves the stability conditions of one replica for a workload. Pure: no I/O, no state. */
public interface StabilityModel {

  ModelKind kind();

  Capacity solve(Workload workload, EngineConfig engine);
}
