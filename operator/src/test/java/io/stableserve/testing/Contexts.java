package io.stableserve.testing;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.stableserve.api.InferenceService;
import java.lang.reflect.Proxy;
import java.util.List;

/** The reconciler's JOSDK context in unit tests: it asks only whether the service was deleted and what else is in its namespace. */
public final class Contexts {

  private Contexts() {}

  /** A service that was not deleted, alone in its namespace but for {@code others}. */
  @SuppressWarnings("unchecked")
  public static Context<InferenceService> notDeleted(List<InferenceService> others) {
    IndexedResourceCache<InferenceService> cache = (IndexedResourceCache<InferenceService>) Proxy.newProxyInstance(
        Contexts.class.getClassLoader(), new Class<?>[] {IndexedResourceCache.class}, (proxy, method, args) -> {
          if (method.getName().equals("list")) {
            return others.stream();
          }
          throw new UnsupportedOperationException(method.getName());
        });
    return (Context<InferenceService>) Proxy.newProxyInstance(Contexts.class.getClassLoader(), new Class<?>[] {Context.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "isPrimaryResourceDeleted" -> false;
          case "getPrimaryCache" -> cache;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  public static Context<InferenceService> notDeleted() {
    return notDeleted(List.of());
  }
}
