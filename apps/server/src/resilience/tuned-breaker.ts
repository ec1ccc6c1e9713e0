import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerRegistry,
  type Clock,
  circuitBreaker,
} from '@jackpot/observability'

/** How a server breaker is tuned: the SDK's options less its wiring (name, meter, clock, registry). */
export type BreakerTuning = Partial<
  Omit<CircuitBreakerOptions, 'name' | 'meter' | 'clock' | 'registry' | 'fallback'>
>

/** What {@link tunedBreaker} wires a breaker to. */
export interface TunedBreakerOptions {
  /** Breaker name in metrics (`breaker` label), logs, health output and the registry. */
  name: string
  /** Records `circuit_breaker_state` and `circuit_breaker_calls_total`. Defaults to none. */
  meter?: CircuitBreakerOptions['meter'] | undefined
  /** Defaults to the system clock. */
  clock?: Clock | undefined
  /** Defaults to the SDK's default registry (read by `circuitBreakersCheck` and dashboards); `false` joins none. */
  registry?: CircuitBreakerRegistry | false | undefined
  /** Overrides of the tuning, e.g. a test's shorter open state. Defaults to none. */
  overrides?: BreakerTuning | undefined
}

/**
 * The one way the server builds a circuit breaker: a dependency's tuning, the caller's
 * overrides on top, then the wiring, where an unset option leaves the SDK's default.
 * Every breaker here guards calls that take no `AbortSignal` (postgres.js queries,
 * ioredis commands), so none makes an AbortController per call (`abortCalls: false`):
 * a call past its timeout is failed at its deadline, not cancelled.
 *
 * @example
 * const breaker = tunedBreaker(REDIS_BREAKER_DEFAULTS, { name: 'cache:pools', meter })
 */
export function tunedBreaker(tuning: BreakerTuning, options: TunedBreakerOptions): CircuitBreaker {
  return circuitBreaker({
    abortCalls: false,
    ...tuning,
    ...options.overrides,
    name: options.name,
    ...(options.meter === undefined ? {} : { meter: options.meter }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  })
}
