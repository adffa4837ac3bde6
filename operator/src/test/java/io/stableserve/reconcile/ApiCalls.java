package io.stableserve.reconcile;

import io.stableserve.api.OperatorPermissions;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** An HTTP request to the Kubernetes API as the RBAC rule that allows it: (apiGroup, resource, verb). */
record ApiCalls(String apiGroup, String resource, String verb) implements Comparable<ApiCalls> {

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

  /** Every (group, resource, verb) the permissions grant. */
  static Set<ApiCalls> grantedBy(List<OperatorPermissions.Permission> permissions) {
    return permissions.stream()
        .flatMap(p -> p.verbs().stream().map(verb -> new ApiCalls(p.apiGroup(), p.resource(), verb)))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Where the calls made and the permissions granted disagree, both ways.
   *
   * @param grantedOutside calls that need no entry in the permissions, each with the reason
   * @param grantedNotCalled granted verbs that no call uses but that must stay granted, each with the reason
   */
  static Disagreement compare(Collection<ApiCalls> calls, List<OperatorPermissions.Permission> permissions,
      Map<ApiCalls, String> grantedOutside, Map<ApiCalls, String> grantedNotCalled) {
    Set<ApiCalls> granted = grantedBy(permissions);
    Set<ApiCalls> ungranted = calls.stream()
        .filter(c -> !granted.contains(c) && !grantedOutside.containsKey(c))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<ApiCalls> unused = granted.stream()
        .filter(g -> !calls.contains(g) && !grantedNotCalled.containsKey(g))
        .collect(Collectors.toCollection(TreeSet::new));
    return new Disagreement(ungranted, unused);
  }

  /**
   * @param ungranted calls the operator made that no permission grants
   * @param unused granted calls the operator never made
   */
  record Disagreement(Set<ApiCalls> ungranted, Set<ApiCalls> unused) {
    boolean none() {
      return ungranted.isEmpty() && unused.isEmpty();
    }
  }

  @Override
  public int compareTo(ApiCalls o) {
    return toString().compareTo(o.toString());
  }
}
