package io.stableserve.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A state store in this process's memory: for the command line, the benchmark and JMH. */
public final class InMemoryStateStore<K> implements StateStore<K> {

  private final Map<K, ServiceMemory> memories = new ConcurrentHashMap<>();

  @Override
  public ServiceMemory load(K service) {
    return memories.getOrDefault(service, ServiceMemory.empty());
  }

  @Override
  public void store(K service, ServiceMemory memory) {
    memories.put(service, memory);
  }
}
