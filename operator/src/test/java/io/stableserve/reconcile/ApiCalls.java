package io.stableserve.reconcile;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** An HTTP request to the Kubernetes API as the RBAC rule that allows it: (apiGroup, resource, verb). */
record ApiCalls(String apiGroup, String resource, String verb) {

  /** The rule a request needs; empty for discovery and other non-resource paths. */
  static Optional<ApiCalls> of(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    String[] p = uri.getPath().replaceAll("^/+", "").split("/");
    String group;
    int rest;
    if (p.length >= 2 && p[0].equals("api")) {
      group = "";
      rest = 2;
    } else if (p.length >= 3 && p[0].equals("apis")) {
      group = p[1];
      rest = 3;
    } else {
      return Optional.empty();
    }
    if (p.length > rest + 1 && p[rest].equals("namespaces")) {
      rest += 2;
    }
    if (p.length <= rest) {
      return Optional.empty();
    }
    String resource = p[rest];
    boolean named = p.length > rest + 1;
    if (p.length > rest + 2) {
      resource += "/" + p[rest + 2];
    }
    boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
    String verb = switch (method.toUpperCase(Locale.ROOT)) {
      case "GET" -> watch ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(Locale.ROOT);
    };
    return Optional.of(new ApiCalls(group, resource, verb));
  }
}
