package io.stableserve.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiCallsTest {

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
    assertThat(ApiCalls.of("GET", "/apis/keda.sh/v1alpha1")).isEmpty();
    assertThat(ApiCalls.of("GET", "/version")).isEmpty();
  }
}
