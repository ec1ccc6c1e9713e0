import type { Attributes, Counter, Meter } from '@opentelemetry/api'

/**
 * The cache's instruments, with their attribute sets built once. Without a
 * meter every method is a no-op.
 *
 * Lookups happen on every cached read, so `l1`/`l2` only bump a number and
 * `cache.requests` is an observable counter reading the totals at collection
 * time (same series): a synchronous counter's `add` hashes its attributes on
 * every call, ~6 % of the server's JS time on pool reads (bench/pool-reads.bench.ts).
 *
 * Prometheus names (see METRICS.md): `cache_requests_total{cache,level,result}`,
 * `cache_factory_calls_total{cache}`, `cache_l2_errors_total{cache}`,
 * `cache_bus_messages_total{cache,direction}`.
 */
export class CacheMetrics {
  readonly #counting: boolean = false
  #l1Hits = 0
  #l1Misses = 0
  #l2Hits = 0
  #l2Misses = 0
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
    this.#counting = true
    meter
      .createObservableCounter('cache.requests', {
        description: 'Cache lookups by level and result (hit or miss).',
      })
      .addCallback((result) => {
        // Only what happened, as the synchronous counter did: no zero series.
        if (this.#l1Hits > 0) result.observe(this.#l1Hits, this.#l1Hit)
        if (this.#l1Misses > 0) result.observe(this.#l1Misses, this.#l1Miss)
        if (this.#l2Hits > 0) result.observe(this.#l2Hits, this.#l2Hit)
        if (this.#l2Misses > 0) result.observe(this.#l2Misses, this.#l2Miss)
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
    // Exported from the start at 0: a cache that has not needed its factory or met an
    // L2 error yet still has the series, so rate() and alerts read 0 rather than nothing.
    this.#factoryCalls.add(0, this.#cache)
    this.#l2Errors.add(0, this.#cache)
  }

  l1(hit: boolean): void {
    if (!this.#counting) return
    if (hit) this.#l1Hits++
    else this.#l1Misses++
  }

  l2(hit: boolean): void {
    if (!this.#counting) return
    if (hit) this.#l2Hits++
    else this.#l2Misses++
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
