export type { Clock } from '../clock/clock.ts'
export { ObservabilityError } from '../errors/observability-error.ts'
export type { CallOutcome } from './breaker-metrics.ts'
export { CircuitBreaker, circuitBreaker } from './circuit-breaker.ts'
export type { CircuitBreakerOptions } from './circuit-breaker-options.ts'
export type { CircuitSnapshot } from './circuit-snapshot.ts'
export type { CircuitState } from './circuit-state.ts'
export { BrokenCircuitError, CircuitBreakerOptionError, CircuitTimeoutError } from './errors.ts'
export type {
  FailureEvent,
  IgnoreEvent,
  RejectEvent,
  SlowCallEvent,
  StateChangeEvent,
  SuccessEvent,
  TimeoutEvent,
} from './events/index.ts'
export { CircuitBreakerRegistry, defaultBreakerRegistry } from './registry.ts'
export { CountSlidingWindow, OutcomeFlag, type SlidingWindow, TimeSlidingWindow } from './sliding-window.ts'
