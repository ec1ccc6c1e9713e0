import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limiter.ts'

/**
 * Exact sliding-window log in this process's memory. Used on its own without
 * Redis, and as the per-replica fallback when Redis is down.
 *
 * Memory is bounded: at most `maxKeys` keys (least recently used dropped first),
 * each holding at most `limit` timestamps.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, number[]>()

  constructor(private readonly options: { maxKeys?: number; now?: () => number } = {}) {}

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    return this.consumeSync(key, policy)
  }

  consumeSync(key: string, policy: RateLimitPolicy): RateLimitDecision {
    const now = (this.options.now ?? Date.now)()
    const fullKey = `${policy.group}:${key}`
    const stamps = this.windows.get(fullKey) ?? []
    const cutoff = now - policy.windowMs
    let expired = 0
    while (expired < stamps.length && (stamps[expired] ?? 0) <= cutoff) expired++
    if (expired > 0) stamps.splice(0, expired)

    // Re-insert to keep Map order = recency, so eviction drops the coldest key.
    this.windows.delete(fullKey)
    this.windows.set(fullKey, stamps)
    this.evict()

    if (stamps.length >= policy.limit) {
      const oldest = stamps[0] ?? now
      return {
        allowed: false,
        limit: policy.limit,
        remaining: 0,
        retryAfterMs: Math.max(1, oldest + policy.windowMs - now),
        source: 'local',
      }
    }
    stamps.push(now)
    return {
      allowed: true,
      limit: policy.limit,
      remaining: policy.limit - stamps.length,
      retryAfterMs: 0,
      source: 'local',
    }
  }

  private evict(): void {
    const maxKeys = this.options.maxKeys ?? 100_000
    while (this.windows.size > maxKeys) {
      const coldest = this.windows.keys().next().value
      if (coldest === undefined) return
      this.windows.delete(coldest)
    }
  }
}
