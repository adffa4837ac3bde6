package io.stableserve.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/** Plain requests to an API server, with a client's identity, for status codes the DSL would hide. */
public final class Http {

  public static final String JSON = "application/json";
  public static final String MERGE_PATCH = "application/merge-patch+json";

  /** A response's status code and body. */
  public record Response(int code, String body) {
    public boolean successful() {
      return code >= 200 && code < 300;
    }
  }

  private Http() {}

  /** {@code method} on {@code path} (from the server's root) with the body, of the content type, where given. */
  public static Response call(KubernetesClient client, String method, String path, String contentType, String body) {
    HttpClient http = client.getHttpClient();
    HttpRequest.Builder request = http.newHttpRequestBuilder()
        .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path)
        .header("Accept", JSON);
    if (!method.equals("GET")) {
      request.method(method, contentType == null ? JSON : contentType, body == null ? "" : body);
    }
    try {
      HttpResponse<String> response = http.sendAsync(request.build(), String.class).get(60, TimeUnit.SECONDS);
      return new Response(response.code(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " " + path + " interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    }
  }

  public static Response get(KubernetesClient client, String path) {
    return call(client, "GET", path, null, null);
  }
}
