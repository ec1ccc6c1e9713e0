import type { Attributes, Counter, Meter } from '@opentelemetry/api'

/**
 * The cache's instruments, with their attribute sets built once: `add` on a
 * hot L1 hit then allocates nothing. Without a meter every method is a no-op.
 *
 * Prometheus names (see METRICS.md): `cache_requests_total{cache,level,result}`,
 * `cache_factory_calls_total{cache}`, `cache_l2_errors_total{cache}`,
 * `cache_bus_messages_total{cache,direction}`.
 */
export class CacheMetrics {
  readonly #requests: Counter | undefined
  readonly #factoryCalls: Counter | undefined
  readonly #l2Errors: Counter | undefined
  readonly #busMessages: Counter | undefined
  readonly #cache: Attributes
  readonly #l1Hit: Attributes
  readonly #l1Miss: Attributes
  readonly #l2Hit: Attributes
  readonly #l2Miss: Attributes
  readonly #sent: Attributes
  readonly #received: Attributes

  constructor(meter: Meter | undefined, cache: string) {
    this.#cache = { cache }
    this.#l1Hit = { cache, level: 'l1', result: 'hit' }
    this.#l1Miss = { cache, level: 'l1', result: 'miss' }
    this.#l2Hit = { cache, level: 'l2', result: 'hit' }
    this.#l2Miss = { cache, level: 'l2', result: 'miss' }
    this.#sent = { cache, direction: 'sent' }
    this.#received = { cache, direction: 'received' }
    if (meter === undefined) return
    this.#requests = meter.createCounter('cache.requests', {
      description: 'Cache lookups by level and result (hit or miss).',
    })
    this.#factoryCalls = meter.createCounter('cache.factory_calls', {
      description: 'Factory calls made by getOrSet (one per key however many callers wait).',
    })
    this.#l2Errors = meter.createCounter('cache.l2_errors', {
      description: 'Failed L2 (Redis) calls, including calls refused by the open circuit breaker.',
    })
    this.#busMessages = meter.createCounter('cache.bus_messages', {
      description: 'Invalidation messages sent to and received from other cache instances.',
    })
  }

  l1(hit: boolean): void {
    this.#requests?.add(1, hit ? this.#l1Hit : this.#l1Miss)
  }

  l2(hit: boolean): void {
    this.#requests?.add(1, hit ? this.#l2Hit : this.#l2Miss)
  }

  factoryCall(): void {
    this.#factoryCalls?.add(1, this.#cache)
  }

  l2Error(): void {
    this.#l2Errors?.add(1, this.#cache)
  }

  busMessage(direction: 'sent' | 'received'): void {
    this.#busMessages?.add(1, direction === 'sent' ? this.#sent : this.#received)
  }
}
