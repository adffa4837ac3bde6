package io.stableserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.stableserve.observe.Signal;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricQueriesTest {

  @Test
  void thereIsOneOverridePerSignalOfTheObserveStage() throws IllegalAccessException {
    MetricQueries all = new MetricQueries();
    for (Field f : MetricQueries.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        f.set(all, "sum(x{$selector})");
      }
    }
    Set<Signal> signals = all.bySignal().keySet().stream().map(Signal::parse).collect(Collectors.toSet());
    assertThat(signals).isEqualTo(EnumSet.allOf(Signal.class));
  }

  @Test
  void blankOverridesAreNotGiven() {
    MetricQueries q = new MetricQueries();
    q.setArrivals(" ");
    q.setKvCacheUsage("avg(vllm:kv_cache_usage_perc{$selector})");
    assertThat(q.bySignal()).containsOnlyKeys("kv-cache-usage");
    assertThat(Signal.parse("kv-cache-usage")).isEqualTo(Signal.KV_CACHE_USAGE);
  }
}
