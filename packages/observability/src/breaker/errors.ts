import { ObservabilityError } from '../errors/observability-error.ts'
import type { CircuitState } from './circuit-state.ts'

/**
 * Thrown (or handed to the fallback) when the breaker does not let a call through:
 * it is open, isolated, or half-open with every probe slot taken. `retryAfterMs` is
 * how long until it lets calls through again, for a `Retry-After` header.
 *
 * @example
 * if (error instanceof BrokenCircuitError) {
 *   set.headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1_000))
 * }
 */
export class BrokenCircuitError extends ObservabilityError {
  static readonly code = 'E_CIRCUIT_OPEN'
  readonly code = BrokenCircuitError.code
  override readonly name = 'BrokenCircuitError'

  constructor(
    /** Name of the breaker that rejected the call. */
    readonly breaker: string,
    /** The breaker's state when it rejected: `'open'`, `'half_open'` or `'isolated'`. */
    readonly state: Exclude<CircuitState, 'closed'>,
    /** Milliseconds until the breaker admits calls again (an estimate while half-open or isolated). */
    readonly retryAfterMs: number,
    options?: ErrorOptions,
  ) {
    super(`circuit breaker "${breaker}" is ${state.replace('_', '-')}`, options)
  }
}

/** The failure a call gets when it overruns the breaker's `timeoutMs`; also the abort reason of its signal. */
export class CircuitTimeoutError extends ObservabilityError {
  static readonly code = 'E_CIRCUIT_TIMEOUT'
  readonly code = CircuitTimeoutError.code
  override readonly name = 'CircuitTimeoutError'

  constructor(
    readonly breaker: string,
    readonly timeoutMs: number,
  ) {
    super(`call through circuit breaker "${breaker}" timed out after ${timeoutMs} ms`)
  }
}

/** Thrown by {@link circuitBreaker} for an option out of range, naming the option. */
export class CircuitBreakerOptionError extends ObservabilityError {
  static readonly code = 'E_CIRCUIT_OPTION'
  readonly code = CircuitBreakerOptionError.code
  override readonly name = 'CircuitBreakerOptionError'

  constructor(
    readonly option: string,
    expected: string,
    received: unknown,
  ) {
    super(`circuit breaker option "${option}" must be ${expected}, received ${String(received)}`)
  }
}
