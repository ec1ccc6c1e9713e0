import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limiter.ts'

/** One client's requests in the current window: `stamps[head…]` are live, older ones are dead. */
interface Window {
  stamps: number[]
  head: number
}

/**
 * Exact sliding-window log in this process's memory. Used on its own without
 * Redis, and as the per-replica fallback when Redis is down.
 *
 * Memory is bounded: at most `maxKeys` keys (least recently used dropped first),
 * each holding at most `limit` live timestamps. Each decision costs O(1)
 * amortized: expired timestamps are skipped with a moving head and dropped in
 * one go once they make up half the log, never shifted out one request at a time.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>()
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.maxKeys = options.maxKeys ?? 100_000
    this.now = options.now ?? Date.now
  }

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    return this.consumeSync(key, policy)
  }

  consumeSync(key: string, policy: RateLimitPolicy): RateLimitDecision {
    const now = this.now()
    const fullKey = `${policy.group}:${key}`
    let window = this.windows.get(fullKey)
    // Re-insert to keep Map order = recency, so eviction drops the coldest key.
    if (window === undefined) window = { stamps: [], head: 0 }
    else this.windows.delete(fullKey)
    this.windows.set(fullKey, window)
    if (this.windows.size > this.maxKeys) this.evict()

    const { stamps } = window
    const cutoff = now - policy.windowMs
    let head = window.head
    while (head < stamps.length && stamps[head]! <= cutoff) head++
    if (head > 0 && head * 2 >= stamps.length) {
      stamps.splice(0, head)
      head = 0
    }
    window.head = head

    const live = stamps.length - head
    if (live >= policy.limit) {
      const oldest = stamps[head] ?? now
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
      remaining: policy.limit - live - 1,
      retryAfterMs: 0,
      source: 'local',
    }
  }

  private evict(): void {
    while (this.windows.size > this.maxKeys) {
      const coldest = this.windows.keys().next().value
      if (coldest === undefined) return
      this.windows.delete(coldest)
    }
  }
}
