import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerRegistry,
  type Clock,
  circuitBreaker,
} from '@jackpot/observability'

/** Options of {@link redisBreaker}. */
export interface RedisBreakerOptions {
  /** Breaker name in metrics (`breaker` label), logs and the registry, e.g. `'cache:pools'`. */
  name: string
  /** Records `circuit_breaker_state` and `circuit_breaker_calls_total`. Defaults to none. */
  meter?: CircuitBreakerOptions['meter']
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
  /** Defaults to the SDK's default registry (read by `circuitBreakersCheck` and dashboards). */
  registry?: CircuitBreakerRegistry | false | undefined
  /** Defaults to the system clock. */
  clock?: Clock | undefined
}

/**
 * Tuning for a breaker in front of Redis: it opens when 2 of its last 4 calls
 * failed, so with a PING every 250 ms ({@link startRedisHeartbeat}) a dead
 * Redis opens it within about 0.5 s whatever the traffic; it probes again
 * after 1 s with a single call. A Redis call that fails costs little (the
 * fail-fast clients refuse at once), so a short window costs nothing but the
 * occasional second of L1-only serving after two unlucky calls.
 */
export const REDIS_BREAKER_DEFAULTS = {
  slidingWindow: { type: 'count', size: 4 },
  minimumCalls: 2,
  failureRateThreshold: 50,
  openStateWaitMs: 1_000,
  permittedCallsInHalfOpen: 1,
  // ioredis commands take no AbortSignal: an abortable one per call would be pure cost.
  abortCalls: false,
} as const satisfies Partial<CircuitBreakerOptions>

/**
 * A circuit breaker tuned for Redis (see {@link REDIS_BREAKER_DEFAULTS}).
 *
 * @example
 * const breaker = redisBreaker({ name: 'cache:pools', meter: metrics.meter })
 */
export function redisBreaker(options: RedisBreakerOptions): CircuitBreaker {
  return circuitBreaker({
    name: options.name,
    ...REDIS_BREAKER_DEFAULTS,
    slidingWindow: { ...REDIS_BREAKER_DEFAULTS.slidingWindow },
    ...options.tuning,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.meter === undefined ? {} : { meter: options.meter }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  })
}
