package io.stableserve.observe;

/**
 * The KV-cache capacity M of one replica as {@code vllm:cache_config_info} reports it.
 *
 * @param tokensPerReplica M in tokens; the smallest over the replicas that report it, so that a
 *     replica with a smaller cache is not overcommitted
 * @param largestTokensPerReplica the largest over the replicas (equal to the smallest when uniform)
 * @param replicasReporting how many {@code cache_config_info} series were read
 * @param how where the figure came from, e.g. {@code kv_cache_size_tokens label} or
 *     {@code num_gpu_blocks × block_size (81767 × 16)}, and whether it was joined by
 *     {@code job}/{@code instance} because the info series lacks the selector's labels
 */
public record KvCacheCapacity(long tokensPerReplica, long largestTokensPerReplica, int replicasReporting, String how) {
  public KvCacheCapacity {
    if (tokensPerReplica <= 0 || largestTokensPerReplica < tokensPerReplica) {
      throw new IllegalArgumentException("KV-cache capacity must be positive tokens (smallest " + tokensPerReplica
          + ", largest " + largestTokensPerReplica + ")");
    }
    if (replicasReporting <= 0) {
      throw new IllegalArgumentException("KV-cache capacity needs at least one reporting replica");
    }
  }

  public boolean uniform() {
    return tokensPerReplica == largestTokensPerReplica;
  }
}
