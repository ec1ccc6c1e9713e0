import { ObservabilityError } from '../errors/observability-error.ts'
import { OptionError } from '../errors/option-error.ts'
import { OverrunError } from '../errors/overrun-error.ts'
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
export class BrokenCircuitError extends ObservabilityError<'E_CIRCUIT_OPEN'> {
  static readonly code = 'E_CIRCUIT_OPEN'
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
    super(BrokenCircuitError.code, `circuit breaker "${breaker}" is ${state.replace('_', '-')}`, options)
  }
}

/** The failure a call gets when it overruns the breaker's `timeoutMs`; also the abort reason of its signal. */
export class CircuitTimeoutError extends OverrunError<'E_CIRCUIT_TIMEOUT'> {
  static readonly code = 'E_CIRCUIT_TIMEOUT'
  override readonly name = 'CircuitTimeoutError'

  constructor(
    readonly breaker: string,
    timeoutMs: number,
  ) {
    super(CircuitTimeoutError.code, `call through circuit breaker "${breaker}"`, timeoutMs)
  }
}

/** Thrown by {@link circuitBreaker} for an option out of range, naming the option. */
export class CircuitBreakerOptionError extends OptionError<'E_CIRCUIT_OPTION'> {
  static readonly code = 'E_CIRCUIT_OPTION'
  override readonly name = 'CircuitBreakerOptionError'

  constructor(option: string, expected: string, received: unknown) {
    super(CircuitBreakerOptionError.code, 'circuit breaker', option, expected, received)
  }
}
