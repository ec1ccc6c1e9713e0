import type { CircuitBreaker, CircuitBreakerOptions } from '@jackpot/observability'
import { type BreakerTuning, type TunedBreakerOptions, tunedBreaker } from '../resilience/tuned-breaker.ts'

/** Options of {@link redisBreaker}. */
export interface RedisBreakerOptions extends Omit<TunedBreakerOptions, 'overrides'> {
  /** Fails a call that takes longer. Defaults to none (the fail-fast clients have a command timeout). */
  timeoutMs?: number | undefined
  /** Overrides of the tuning below. */
  tuning?: Partial<
    Pick<
      CircuitBreakerOptions,
      | 'slidingWindow'
      | 'minimumCalls'
      | 'failureRateThreshold'
      | 'openStateWaitMs'
      | 'permittedCallsInHalfOpen'
    >
  >
}

/**
 * Tuning for a breaker in front of Redis: it opens when 2 of its last 4 calls
 * failed (the SDK's 50 % failure rate), so with a PING every 250 ms
 * ({@link startRedisHeartbeat}) a dead Redis opens it within about 0.5 s whatever
 * the traffic; it probes again after 1 s with a single call. A Redis call that
 * fails costs little (the fail-fast clients refuse at once), so a short window
 * costs nothing but the occasional second of L1-only serving after two unlucky calls.
 */
export const REDIS_BREAKER_DEFAULTS = {
  slidingWindow: { type: 'count', size: 4 },
  minimumCalls: 2,
  openStateWaitMs: 1_000,
  permittedCallsInHalfOpen: 1,
} as const satisfies BreakerTuning

/**
 * A circuit breaker tuned for Redis (see {@link REDIS_BREAKER_DEFAULTS}).
 *
 * @example
 * const breaker = redisBreaker({ name: 'cache:pools', meter: metrics.meter })
 */
export function redisBreaker(options: RedisBreakerOptions): CircuitBreaker {
  const { tuning, timeoutMs, ...wiring } = options
  return tunedBreaker(REDIS_BREAKER_DEFAULTS, {
    ...wiring,
    overrides: { ...tuning, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
  })
}
