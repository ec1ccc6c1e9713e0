import { circuitBreaker } from '../../src/breaker/circuit-breaker.ts'
import type { CircuitBreakerOptions } from '../../src/breaker/circuit-breaker-options.ts'
import { ManualClock } from '../../src/clock/manual-clock.ts'

/**
 * A breaker named `db` on its own ManualClock, outside the default registry, with the
 * calls the breaker suites drive it with. `options` are the suite's numbers.
 */
export function manualBreaker<F = never>(options: Partial<CircuitBreakerOptions<F>> = {}) {
  const clock = new ManualClock()
  const breaker = circuitBreaker<F>({ name: 'db', clock, registry: false, ...options })
  const succeed = () => breaker.execute(async () => 'ok')
  /** A call that fails with `error`; resolves to what the breaker threw (that error, or its refusal). */
  const fail = (error: Error = new Error('db down')) =>
    breaker.execute(() => Promise.reject(error)).catch((thrown: unknown) => thrown)
  /** A call that settles when the clock reaches `ms` from now; resolves to `'late'` or what was thrown. */
  const takes = (ms: number, outcome: 'resolve' | 'reject' = 'resolve') =>
    breaker
      .execute(
        () =>
          new Promise<string>((resolve, reject) =>
            clock.setTimeout(() => (outcome === 'resolve' ? resolve('late') : reject(new Error('late'))), ms),
          ),
      )
      .catch((error: unknown) => error)
  return { clock, breaker, succeed, fail, takes }
}
