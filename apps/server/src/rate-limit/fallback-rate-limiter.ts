import type { MemoryRateLimiter } from './memory-rate-limiter.ts'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy, RateLimitRefund } from './rate-limiter.ts'

/** Runs a shared-store call under whatever guard the caller wants (a circuit breaker, a timeout). */
export type Guard = <T>(call: (signal: AbortSignal) => Promise<T>) => Promise<T>

/**
 * Asks the shared (Redis) limiter; when it fails or its breaker is open, this
 * replica's memory limiter decides instead, so Redis being down neither blocks
 * every request nor lifts the limit.
 */
export class FallbackRateLimiter implements RateLimiter {
  constructor(
    private readonly shared: RateLimiter,
    private readonly local: MemoryRateLimiter,
    private readonly guard: Guard,
    private readonly onFallback: (error: unknown) => void = () => {},
  ) {}

  async consume(key: string, policy: RateLimitPolicy, refund?: RateLimitRefund): Promise<RateLimitDecision> {
    // A refund goes back to the store that counted the request. One counted in Redis
    // is lost if Redis fails now: that client is over-charged by one until the window slides.
    if (refund?.source === 'local') this.local.refund(refund, policy)
    const sharedRefund = refund?.source === 'redis' ? refund : undefined
    try {
      return await this.guard(() => this.shared.consume(key, policy, sharedRefund))
    } catch (error) {
      this.onFallback(error)
      return this.local.consumeSync(key, policy)
    }
  }
}
