package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An LLM inference service whose replica count StableServe keeps inside the stable region of its
 * queueing model. The spec names the workload to scale and how to observe it; the status explains
 * what was observed, what one replica can serve, and what was decided.
 */
@Group(InferenceService.GROUP)
@Version(InferenceService.VERSION)
@Kind(InferenceService.KIND)
@Plural(InferenceService.PLURAL)
@Singular("inferenceservice")
@ShortNames("ssvc")
@AdditionalPrinterColumn(name = "Target", jsonPath = ".spec.scaleTargetRef.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".status.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.desiredReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Mix", jsonPath = ".status.mix", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Cost/h", jsonPath = ".status.costPerHour", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Arrivals/s", jsonPath = ".status.workload.arrivalRate", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Stable/s/Replica", jsonPath = ".status.capacity.stableRatePerReplica", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Utilization", jsonPath = ".status.utilization", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Bottleneck", jsonPath = ".status.capacity.bottleneck", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Stable", jsonPath = ".status.conditions[?(@.type==\"Stable\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class InferenceService extends CustomResource<InferenceServiceSpec, InferenceServiceStatus> implements Namespaced {

  public static final String GROUP = "stableserve.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "InferenceService";
  public static final String PLURAL = "inferenceservices";
  /** The CRD's name, {@code inferenceservices.stableserve.io}. */
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  @Override
  @JsonPropertyDescription("What to scale, within which bounds, by which model, and how to observe it.")
  public InferenceServiceSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator observed, what one replica can serve stably, and what it decided.")
  public InferenceServiceStatus getStatus() {
    return super.getStatus();
  }
}
