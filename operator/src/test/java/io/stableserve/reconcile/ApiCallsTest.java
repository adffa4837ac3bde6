package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.api.OperatorPermissions.Permission;
import io.stableserve.api.OperatorPermissions.Scope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiCallsTest {

  static final Permission SCALE = new Permission(Scope.WATCHED_NAMESPACES, "apps", "deployments/scale",
      Set.of("get", "patch"), "set replicas");
  static final ApiCalls GET_SCALE = new ApiCalls("apps", "deployments/scale", "get");
  static final ApiCalls PATCH_SCALE = new ApiCalls("apps", "deployments/scale", "patch");

  @Test
  void requestsMapToTheirRbacRule() {
    assertThat(ApiCalls.of("PATCH", "/apis/apps/v1/namespaces/llm/deployments/vllm/scale"))
        .contains(new ApiCalls("apps", "deployments/scale", "patch"));
    assertThat(ApiCalls.of("GET", "/apis/apps/v1/namespaces/llm/deployments/vllm"))
        .contains(new ApiCalls("apps", "deployments", "get"));
    assertThat(ApiCalls.of("GET", "/apis/stableserve.io/v1alpha1/inferenceservices?resourceVersion=0"))
        .contains(new ApiCalls("stableserve.io", "inferenceservices", "list"));
    assertThat(ApiCalls.of("GET", "/apis/stableserve.io/v1alpha1/inferenceservices?allowWatchBookmarks=true&watch=true"))
        .contains(new ApiCalls("stableserve.io", "inferenceservices", "watch"));
    assertThat(ApiCalls.of("POST", "/api/v1/namespaces/llm/events")).contains(new ApiCalls("", "events", "create"));
    assertThat(ApiCalls.of("PUT", "/apis/coordination.k8s.io/v1/namespaces/ops/leases/stableserve-operator"))
        .contains(new ApiCalls("coordination.k8s.io", "leases", "update"));
    assertThat(ApiCalls.of("GET", "/apis/keda.sh/v1alpha1")).isEmpty();
    assertThat(ApiCalls.of("GET", "/version")).isEmpty();
  }

  @Test
  void callsAndPermissionsThatMatchAgree() {
    assertThat(ApiCalls.compare(List.of(GET_SCALE, PATCH_SCALE), List.of(SCALE), Map.of(), Map.of()).none()).isTrue();
  }

  @Test
  void aGrantedVerbNoCallUsesIsReported() {
    ApiCalls.Disagreement d = ApiCalls.compare(List.of(PATCH_SCALE), List.of(SCALE), Map.of(), Map.of());
    assertThat(d.unused()).containsExactly(GET_SCALE);
    assertThat(d.ungranted()).isEmpty();
  }

  @Test
  void aCallNoPermissionGrantsIsReported() {
    ApiCalls update = new ApiCalls("apps", "deployments/scale", "update");
    ApiCalls.Disagreement d = ApiCalls.compare(List.of(GET_SCALE, PATCH_SCALE, update), List.of(SCALE), Map.of(), Map.of());
    assertThat(d.ungranted()).containsExactly(update);
    assertThat(d.unused()).isEmpty();
  }

  @Test
  void namedExceptionsAreNotReported() {
    ApiCalls review = new ApiCalls("authorization.k8s.io", "selfsubjectrulesreviews", "create");
    ApiCalls.Disagreement d = ApiCalls.compare(List.of(PATCH_SCALE, review), List.of(SCALE),
        Map.of(review, "every authenticated user may"), Map.of(GET_SCALE, "not reached in this run"));
    assertThat(d.none()).isTrue();
  }
}
