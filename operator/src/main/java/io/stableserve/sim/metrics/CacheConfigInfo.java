package io.stableserve.sim.metrics;

/**
 * What {@code vllm:cache_config_info} reports about the KV cache: {@code num_gpu_blocks ×
 * block_size} tokens, which newer vLLM also states as {@code kv_cache_size_tokens}.
 */
public record CacheConfigInfo(long numGpuBlocks, int blockSize, double gpuMemoryUtilization) {

  public CacheConfigInfo {
    if (numGpuBlocks <= 0 || blockSize <= 0) {
      throw new IllegalArgumentException("num_gpu_blocks (" + numGpuBlocks + ") and block_size (" + blockSize
          + ") must be positive");
    }
    if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
      throw new IllegalArgumentException("gpu_memory_utilization must be in (0, 1], got " + gpuMemoryUtilization);
    }
  }

  /** The cache of an engine with {@code kvCacheTokens} tokens in blocks of {@code blockSize}. */
  public static CacheConfigInfo forTokens(long kvCacheTokens, int blockSize) {
    return new CacheConfigInfo(kvCacheTokens / blockSize, blockSize, 0.9);
  }

  public long kvCacheSizeTokens() {
    return numGpuBlocks * blockSize;
  }
}
