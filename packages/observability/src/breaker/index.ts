export type { CallOutcome } from './breaker-metrics.ts'
export { CircuitBreaker, circuitBreaker } from './circuit-breaker.ts'
export type { CircuitBreakerOptions } from './circuit-breaker-options.ts'
export type { CircuitSnapshot } from './circuit-snapshot.ts'
export { CIRCUIT_STATES, type CircuitState } from './circuit-state.ts'
export { BrokenCircuitError, CircuitBreakerOptionError, CircuitTimeoutError } from './errors.ts'
export {
  BREAKER_EVENTS,
  type FailureEvent,
  type IgnoreEvent,
  type RejectEvent,
  type SlowCallEvent,
  type StateChangeEvent,
  type SuccessEvent,
  type TimeoutEvent,
} from './events/index.ts'
export { CircuitBreakerRegistry, defaultBreakerRegistry } from './registry.ts'
