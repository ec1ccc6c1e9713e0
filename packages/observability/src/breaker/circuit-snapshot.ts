import type { CircuitState } from './circuit-state.ts'

/** A point-in-time view of a breaker, for health checks, dashboards and logs (plain JSON). */
export interface CircuitSnapshot {
  name: string
  state: CircuitState
  /** When the breaker entered `state`, epoch ms. */
  since: number
  /** Failed share of `bufferedCalls`, in percent; 0 with no calls. In half-open, of the probes completed. */
  failureRate: number
  /** Slow share of `bufferedCalls`, in percent; 0 with no calls. */
  slowCallRate: number
  /** Calls in the sliding window (closed) or probes completed (half-open). */
  bufferedCalls: number
  failedCalls: number
  slowCalls: number
  /** Calls needed in the window before the rates are judged. */
  minimumCalls: number
  /** Calls rejected since the breaker was created. */
  notPermittedCalls: number
  /** Milliseconds until calls are admitted again; 0 when closed. */
  retryAfterMs: number
}
