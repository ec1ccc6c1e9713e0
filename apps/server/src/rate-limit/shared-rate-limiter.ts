import type { CircuitBreaker, CircuitBreakerOptions, Clock, LoggerPort } from '@jackpot/observability'
import type Redis from 'ioredis'
import { redisBreaker } from '../redis/redis-breaker.ts'
import { FallbackRateLimiter } from './fallback-rate-limiter.ts'
import { MemoryRateLimiter } from './memory-rate-limiter.ts'
import { RedisRateLimiter } from './redis-rate-limiter.ts'

/** The levels of the logger port the shared limiter writes to. */
export type SharedRateLimiterLogger = Pick<LoggerPort, 'info' | 'warn'>

export interface SharedRateLimiterOptions {
  /** The replica's Redis command connection (`createRedisClients(url).commands`); not closed by `close()`. */
  redis: Redis
  /** Prefix of the limiter's Redis keys. Defaults to `'jackpot:ratelimit:'`. */
  keyPrefix?: string
  /** Longest a limit check may wait on Redis before this replica decides alone. Defaults to 100 ms. */
  timeoutMs?: number
  /** Breaker metrics (`circuit_breaker_*{breaker="rate-limit:redis"}`). Defaults to none. */
  meter?: CircuitBreakerOptions['meter']
  /** Told when the limiter stops and resumes sharing limits through Redis. Defaults to none. */
  logger?: SharedRateLimiterLogger
  /** Called for every check this replica decided alone. Defaults to none. */
  onFallback?: (error: unknown) => void
  /** Time source of the breaker. Defaults to the system clock. */
  clock?: Clock
}

/** The defaults of {@link SharedRateLimiterOptions}. */
export const SHARED_RATE_LIMITER_DEFAULTS = {
  timeoutMs: 100,
  breakerName: 'rate-limit:redis',
  /**
   * Every limited request calls Redis, so a wider window than the cache's
   * still opens within a few requests of Redis dying, and one slow call does
   * not open it.
   */
  tuning: {
    slidingWindow: { type: 'count', size: 20 },
    minimumCalls: 5,
  },
} as const

/**
 * The rate limiter for a replica in a cluster: shared through Redis (one
 * Lua sliding window, so N replicas together allow the limit, not N times
 * it), behind a circuit breaker; while Redis is slow or down this replica's
 * memory limiter decides instead. The breaker bounds each check with
 * `timeoutMs` and, once open, skips Redis entirely until a probe succeeds.
 *
 * @example
 * const redis = createRedisClients(config.REDIS_URL)
 * const shared = sharedRateLimiter({ redis: redis.commands, logger })
 * await buildServer(config, { redis, rateLimiter: shared.limiter })
 */
export function sharedRateLimiter(options: SharedRateLimiterOptions) {
  const breaker: CircuitBreaker = redisBreaker({
    name: SHARED_RATE_LIMITER_DEFAULTS.breakerName,
    timeoutMs: options.timeoutMs ?? SHARED_RATE_LIMITER_DEFAULTS.timeoutMs,
    tuning: SHARED_RATE_LIMITER_DEFAULTS.tuning,
    meter: options.meter,
    clock: options.clock,
  })
  const stopWatching = breaker.onStateChange(({ from, to }) => {
    const fields = { breaker: breaker.name, from, to }
    if (to === 'open') options.logger?.warn(fields, 'rate limit: Redis unavailable, limits are per replica')
    else if (to === 'closed') options.logger?.info(fields, 'rate limit: shared through Redis again')
  })
  const limiter = new FallbackRateLimiter(
    new RedisRateLimiter(options.redis, { keyPrefix: options.keyPrefix }),
    new MemoryRateLimiter(),
    (call) => breaker.execute(() => call(NEVER_ABORTED)),
    options.onFallback,
  )
  return {
    limiter,
    breaker,
    /** Detaches the breaker (from its registry and metrics); the Redis connection stays open. */
    close: async () => {
      stopWatching()
      breaker.dispose()
    },
  }
}

// The Redis call cannot be cancelled (ioredis has no abort), and the breaker fails it at
// its deadline anyway; a call declaring no signal spares the breaker an AbortController.
const NEVER_ABORTED = new AbortController().signal
