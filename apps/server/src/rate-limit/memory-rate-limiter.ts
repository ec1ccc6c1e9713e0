import type { RateLimitDecision, RateLimiter, RateLimitPolicy, RateLimitRefund } from './rate-limiter.ts'
import { refundTo, slidingWindow, type WindowCounts } from './sliding-window.ts'

/**
 * Sliding-window counter in this process's memory. Used on its own without
 * Redis, and as the per-replica fallback when Redis is down.
 *
 * Memory is bounded twice over: each key holds three numbers however many
 * requests it sends (the counts of two fixed windows), and at most `maxKeys`
 * keys are kept (least recently used dropped first). Each decision is O(1).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, WindowCounts>()
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.maxKeys = options.maxKeys ?? 100_000
    this.now = options.now ?? Date.now
  }

  async consume(key: string, policy: RateLimitPolicy, refund?: RateLimitRefund): Promise<RateLimitDecision> {
    return this.consumeSync(key, policy, refund)
  }

  consumeSync(key: string, policy: RateLimitPolicy, refund?: RateLimitRefund): RateLimitDecision {
    if (refund !== undefined) this.refund(refund, policy)
    const fullKey = `${policy.group}:${key}`
    const stored = this.counters.get(fullKey)
    // Re-insert to keep Map order = recency, so eviction drops the coldest key.
    if (stored !== undefined) this.counters.delete(fullKey)
    const outcome = slidingWindow(stored, this.now(), policy)
    this.counters.set(fullKey, outcome.counts)
    if (this.counters.size > this.maxKeys) this.evict()
    return {
      allowed: outcome.allowed,
      limit: policy.limit,
      remaining: outcome.remaining,
      retryAfterMs: outcome.retryAfterMs,
      source: 'local',
      window: outcome.counts.window,
    }
  }

  /** Gives back one request this limiter counted (see {@link RateLimitRefund}). */
  refund(refund: Pick<RateLimitRefund, 'key' | 'window'>, policy: RateLimitPolicy): void {
    refundTo(this.counters.get(`${policy.group}:${refund.key}`), refund.window)
  }

  /** What is kept for `key`: two window counts, never a list of requests. For diagnostics and tests. */
  countsOf(key: string, policy: RateLimitPolicy): Readonly<WindowCounts> | undefined {
    return this.counters.get(`${policy.group}:${key}`)
  }

  /** How many keys are held (at most `maxKeys`). */
  get size(): number {
    return this.counters.size
  }

  private evict(): void {
    while (this.counters.size > this.maxKeys) {
      const coldest = this.counters.keys().next().value
      if (coldest === undefined) return
      this.counters.delete(coldest)
    }
  }
}
