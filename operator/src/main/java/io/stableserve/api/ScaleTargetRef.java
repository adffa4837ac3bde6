package io.stableserve.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The workload to scale, in the InferenceService's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleTargetRef {

  @Default("apps/v1")
  @Size(max = 253)
  @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?v[0-9]+((alpha|beta)[0-9]+)?$")
  @JsonPropertyDescription("API version of the target, e.g. apps/v1 or leaderworkerset.x-k8s.io/v1. Default apps/v1.")
  private String apiVersion = "apps/v1";

  @Required
  @Size(max = 63)
  @Pattern("^[A-Z][A-Za-z0-9]*$")
  @JsonPropertyDescription("Kind of the target, e.g. Deployment, StatefulSet or LeaderWorkerSet. It must have a /scale subresource.")
  private String kind;

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @JsonPropertyDescription("Name of the target in the InferenceService's namespace.")
  private String name;

  public ScaleTargetRef() {}

  public ScaleTargetRef(String apiVersion, String kind, String name) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.name = name;
  }

  /** The API group, empty for the core group. */
  public String group() {
    String version = apiVersion == null ? "apps/v1" : apiVersion;
    int slash = version.indexOf('/');
    return slash < 0 ? "" : version.substring(0, slash);
  }

  @Override
  public String toString() {
    return kind + "/" + name + " (" + apiVersion + ")";
  }

  public String getApiVersion() {
    return apiVersion;
  }

  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
