import type { CircuitState } from '../circuit-state.ts'
import type { BrokenCircuitError, CircuitTimeoutError } from '../errors.ts'

/** Event names `as const`, for wiring loggers or dashboards generically. */
export const BREAKER_EVENTS = [
  'stateChange',
  'success',
  'failure',
  'reject',
  'timeout',
  'slowCall',
  'ignore',
] as const satisfies readonly (keyof BreakerEvents)[]

export interface StateChangeEvent {
  from: CircuitState
  to: CircuitState
}

export interface SuccessEvent {
  durationMs: number
  /** Took longer than `slowCallDurationMs`. */
  slow: boolean
}

export interface FailureEvent {
  /** What the call threw, or the {@link CircuitTimeoutError} of a timed-out call. */
  error: unknown
  durationMs: number
  slow: boolean
}

export interface RejectEvent {
  error: BrokenCircuitError
}

export interface TimeoutEvent {
  error: CircuitTimeoutError
  timeoutMs: number
}

export interface SlowCallEvent {
  durationMs: number
  /** Whether the slow call also failed. */
  failed: boolean
}

export interface IgnoreEvent {
  /** The error `isFailure` rejected, or the abort reason of the caller's own signal. */
  error: unknown
  durationMs: number
}

/** Each event's payload by its name in {@link BREAKER_EVENTS}: the breaker's one list of what it emits. */
export interface BreakerEvents {
  stateChange: StateChangeEvent
  success: SuccessEvent
  failure: FailureEvent
  reject: RejectEvent
  timeout: TimeoutEvent
  slowCall: SlowCallEvent
  ignore: IgnoreEvent
}
