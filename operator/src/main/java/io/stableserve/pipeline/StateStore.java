package io.stableserve.pipeline;

/**
 * Where the pipeline's memory of each service lives between passes.
 *
 * @param <K> what names a service to the store (the operator's InferenceService, a name in memory)
 */
public interface StateStore<K> {

  /** The memory of {@code service}; {@link ServiceMemory#empty()} for a service seen for the first time. */
  ServiceMemory load(K service);

  void store(K service, ServiceMemory memory);
}
