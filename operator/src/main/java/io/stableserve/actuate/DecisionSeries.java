package io.stableserve.actuate;

import io.stableserve.api.OperatorMetrics;
import java.util.Objects;

/**
 * The series a service in Metric mode exports its decision as,
 * {@code stableserve_desired_replicas{namespace="…", name="…"}}: the one autoscaler of its target
 * that reads it is the service's own actuator, not a rival.
 *
 * @param namespace the InferenceService's namespace
 * @param name the InferenceService's name
 */
public record DecisionSeries(String namespace, String name) {

  public DecisionSeries {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** The series as a PromQL selector. */
  public String selector() {
    return OperatorMetrics.DESIRED_REPLICAS + "{namespace=\"" + namespace + "\",name=\"" + name + "\"}";
  }

  @Override
  public String toString() {
    return selector();
  }
}
