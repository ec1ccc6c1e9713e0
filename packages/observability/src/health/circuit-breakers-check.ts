import { type CircuitBreakerRegistry, defaultBreakerRegistry } from '../breaker/registry.ts'
import type { CheckKind, HealthCheck, HealthStatus } from './health-check.ts'

/** Options of {@link circuitBreakersCheck}. */
export interface CircuitBreakersCheckOptions {
  /** Name of the check. Defaults to `'circuit-breakers'`. */
  name?: string
  /** Registry to read. Defaults to `defaultBreakerRegistry`. */
  registry?: CircuitBreakerRegistry
  /** Only these breakers. Defaults to every breaker in the registry. */
  breakers?: readonly string[]
  /** Status reported while any of them is open, half-open or isolated. Defaults to `'warn'`. */
  openStatus?: Exclude<HealthStatus, 'pass'>
  /** Defaults to `false`: the dependency's own check decides readiness; this one explains it. */
  critical?: boolean
  /** Defaults to `['ready']`. */
  kinds?: CheckKind[]
}

/**
 * A health check over the breakers of a registry: `pass` while all are closed,
 * otherwise `openStatus` with the number not closed as observed value and which ones
 * (and when they retry) as output.
 *
 * @example
 * health.register(circuitBreakersCheck({ breakers: ['postgres'], openStatus: 'fail', critical: true }))
 */
export function circuitBreakersCheck(options: CircuitBreakersCheckOptions = {}): HealthCheck {
  const registry = options.registry ?? defaultBreakerRegistry
  const wanted = options.breakers === undefined ? undefined : new Set(options.breakers)
  return {
    name: options.name ?? 'circuit-breakers',
    kinds: options.kinds ?? ['ready'],
    critical: options.critical ?? false,
    componentType: 'component',
    run: async () => {
      const snapshots = registry
        .snapshots()
        .filter((snapshot) => wanted === undefined || wanted.has(snapshot.name))
      const notClosed = snapshots.filter((snapshot) => snapshot.state !== 'closed')
      if (notClosed.length === 0) return { observedValue: 0, observedUnit: 'breakers not closed' }
      return {
        status: options.openStatus ?? 'warn',
        observedValue: notClosed.length,
        observedUnit: 'breakers not closed',
        output: notClosed
          .map((snapshot) => `${snapshot.name} is ${snapshot.state} (retry in ${snapshot.retryAfterMs} ms)`)
          .join('; '),
      }
    },
  }
}
