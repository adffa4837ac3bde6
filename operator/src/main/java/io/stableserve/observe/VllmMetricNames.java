package io.stableserve.observe;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which vLLM metric names the observe stage found for the service, per signal, and which
 * generation of names they are. vLLM renamed metrics between releases ({@code gpu_cache_usage_perc}
 * became {@code kv_cache_usage_perc}, {@code time_per_output_token_seconds} became
 * {@code inter_token_latency_seconds}), so both are probed and the names found are reported, so
 * that a rename is visible instead of silently breaking an estimate.
 *
 * @param generation V1 when a V1-only name was found, V0 when a V0-only name was found, MIXED when both
 * @param found the metric name (or "override") used for each signal that was read
 * @param missing signals whose metrics were probed under every known name and not found
 */
public record VllmMetricNames(Generation generation, Map<Signal, String> found, List<Signal> missing) {

  public enum Generation {
    /** Names of the V0 engine (vLLM up to 0.7, and the V0 fallback later): gpu_cache_usage_perc, time_per_output_token_seconds. */
    V0,
    /** Names of the V1 engine: kv_cache_usage_perc, inter_token_latency_seconds. */
    V1,
    /** Both generations' names among the service's series (e.g. during a rolling upgrade). */
    MIXED,
    /** Only names common to both generations were found. */
    UNKNOWN
  }

  public VllmMetricNames {
    if (generation == null) {
      throw new IllegalArgumentException("generation of vLLM metric names is needed (UNKNOWN when undecided)");
    }
    EnumMap<Signal, String> copy = new EnumMap<>(Signal.class);
    if (found != null) {
      copy.putAll(found);
    }
    found = java.util.Collections.unmodifiableMap(copy);
    missing = missing == null ? List.of() : List.copyOf(missing);
  }
}
