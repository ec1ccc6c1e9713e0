import type { CircuitBreaker } from './circuit-breaker.ts'
import type { CircuitSnapshot } from './circuit-snapshot.ts'

/**
 * The breakers of a process by name, read by health checks and dashboards. Breakers
 * join on creation (see the `registry` option) and leave on `dispose()`.
 *
 * @example
 * const registry = new CircuitBreakerRegistry()
 * circuitBreaker({ name: 'postgres', registry })
 * registry.snapshots() // [{ name: 'postgres', state: 'closed', failureRate: 0, ... }]
 */
export class CircuitBreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker<unknown>>()

  /** Adds a breaker, replacing any other registered under its name. */
  register(breaker: CircuitBreaker<unknown>): void {
    this.#breakers.set(breaker.name, breaker)
  }

  /** Removes this very breaker (not a newer one of the same name); returns whether it was registered. */
  unregister(breaker: CircuitBreaker<unknown>): boolean {
    if (this.#breakers.get(breaker.name) !== breaker) return false
    return this.#breakers.delete(breaker.name)
  }

  get(name: string): CircuitBreaker<unknown> | undefined {
    return this.#breakers.get(name)
  }

  /** Every registered breaker, in registration order. */
  all(): CircuitBreaker<unknown>[] {
    return [...this.#breakers.values()]
  }

  /** A snapshot of every registered breaker, in registration order. */
  snapshots(): CircuitSnapshot[] {
    return this.all().map((breaker) => breaker.snapshot())
  }
}

/** The registry breakers join unless told otherwise. */
export const defaultBreakerRegistry = new CircuitBreakerRegistry()
