import { CircuitBreaker, circuitBreaker } from '../breaker/index.ts'
import { type Clock, systemClock } from '../clock/index.ts'
import type { HealthCheck } from '../health/index.ts'
import { RedisBus } from './bus/redis-bus.ts'
import { CacheCore, type NamespaceScope } from './cache-core.ts'
import type { CacheEntry } from './cache-entry.ts'
import { cacheHealthCheck } from './cache-health-check.ts'
import { CacheMetrics } from './cache-metrics.ts'
import {
  CACHE_DEFAULTS,
  type FactoryContext,
  type GetOptions,
  type GetOrSetOptions,
  type MultiLevelCacheOptions,
  type WriteOptions,
} from './cache-options.ts'
import { CacheError } from './errors.ts'
import { L2Entries } from './l2-entries.ts'
import { L2ErrorReporter } from './l2-error-reporter.ts'
import { LruCache } from './lru.ts'
import { PendingInvalidations } from './pending-invalidations.ts'
import { resolveRedisConnections } from './redis-connections.ts'
import { RedisL2 } from './redis-l2.ts'
import { jsonSerializer } from './serializer.ts'
import { namespaceCell, tagCell, VersionTable } from './tags.ts'

/** What the cache shares between its namespaces besides the core: lifecycle and health. */
export interface CacheRuntime {
  readonly core: CacheCore
  readonly healthCheck: () => HealthCheck
  readonly close: () => Promise<void>
  readonly isClosed: () => boolean
}

/**
 * A two-level cache: a bounded in-memory LRU (L1) in front of Redis (L2),
 * with single-flight `getOrSet`, TTL jitter, grace periods, negative caching,
 * tag and namespace invalidation, and cross-replica L1 invalidation over a bus.
 * Build it with {@link multiLevelCache}.
 *
 * **Values are shared, not copied.** An L1 hit returns the very object stored
 * (as read back from its serialized form): treat cached values as immutable.
 *
 * **Staleness bound.** A replica that misses an invalidation message (bus or
 * Redis down, subscriber reconnecting) drops its whole L1 when its subscriber
 * reconnects, and in any case serves an L1 entry for at most `l1MaxTtlMs`
 * (default 30 s) before checking L2 again; a missed tag invalidation is seen
 * within `tagVersionTtlMs` (default 1 s). While Redis is unreachable,
 * invalidations cannot cross replicas at all: `getOrSet` then recomputes
 * entries older than `l1MaxTtlMs`, `get` serves them until their TTL.
 *
 * @example
 * const cache = multiLevelCache({ name: 'pools', redis: { url: 'redis://127.0.0.1:6379' } })
 * const pools = cache.namespace('pools')
 * const all = await pools.getOrSet('all', () => repository.listPools(), { ttlMs: 1_000, graceMs: 30_000, tags: ['pools'] })
 * await pools.invalidateTags(['pools']) // after a pool changes, on every replica
 */
export class MultiLevelCache {
  readonly #runtime: CacheRuntime
  readonly #core: CacheCore
  readonly #scope: NamespaceScope

  /** @internal Use {@link multiLevelCache} or {@link MultiLevelCache.namespace}. */
  constructor(runtime: CacheRuntime, scope: NamespaceScope) {
    this.#runtime = runtime
    this.#core = runtime.core
    this.#scope = scope
  }

  /** The namespace path, `''` for the root cache, `'pools'` for `cache.namespace('pools')`. */
  get namespacePath(): string {
    return this.#scope.path.slice(0, -1)
  }

  /**
   * The fresh value, or `undefined` (missing, expired, invalidated, or a cached
   * negative). L1 first, then L2; an L2 hit is copied into L1.
   *
   * @example
   * const pool = await cache.get<Pool>('mega')
   */
  get<T>(key: string, options?: GetOptions): Promise<T | undefined> {
    if (this.#runtime.isClosed()) return closed()
    return this.#core.get(this.#scope, key, options) as Promise<T | undefined>
  }

  /**
   * The cached value, or the factory's result, stored in both levels. However
   * many callers ask for a missing key at once, the factory runs once (per
   * replica). When the value is stale but within its grace period, a failing
   * factory (or one slower than `softTimeoutMs`) is answered with the stale
   * value and the refresh goes on in the background. A factory result of
   * `undefined`/`null` is cached for `negativeTtlMs` only.
   *
   * Errors thrown by the factory reach the caller unchanged when there is no
   * stale value to fall back on. Filling a missing key notifies no other
   * replica (they have nothing to drop); use `set` to replace a value everywhere.
   *
   * @example
   * const pools = await cache.getOrSet('pools', () => db.listPools(), { ttlMs: 1_000, jitter: 0.1, graceMs: 60_000 })
   */
  getOrSet<T>(
    key: string,
    factory: (context: FactoryContext<T>) => Promise<T> | T,
    options?: GetOrSetOptions,
  ): Promise<T> {
    if (this.#runtime.isClosed()) return closed()
    return this.#core.getOrSet(this.#scope, key, factory, options)
  }

  /**
   * Stores a value in both levels and tells the other replicas to drop their
   * L1 copy. A `getOrSet` factory running for the key meanwhile no longer
   * stores its (older) result.
   *
   * @example
   * await cache.set('mega', pool, { ttlMs: 5_000, tags: ['pools'] })
   */
  async set<T>(key: string, value: T, options?: WriteOptions): Promise<void> {
    if (this.#runtime.isClosed()) return closed()
    await this.#core.set(this.#scope, key, value, options)
  }

  /**
   * Removes a key from both levels, here and (over the bus) from every
   * replica's L1.
   *
   * @example
   * await cache.delete('mega')
   */
  async delete(key: string): Promise<void> {
    if (this.#runtime.isClosed()) return closed()
    await this.#core.delete(this.#scope, [key])
  }

  /**
   * Makes every entry written with one of these tags invalid, in every
   * namespace and on every replica, by bumping the tags' versions (one Redis
   * `INCR` each; no `KEYS`/`SCAN`). Old entries stay in Redis until their TTL
   * but are never served again.
   *
   * @example
   * await cache.invalidateTags(['pools'])
   */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    if (this.#runtime.isClosed()) return closed()
    await this.#core.bump([...new Set(tags)].map(tagCell))
  }

  /**
   * Empties this namespace (and the namespaces inside it) by bumping its
   * generation counter; on the root cache, empties everything under the
   * prefix. Every replica drops the entries.
   *
   * @example
   * await cache.namespace('pools').clear()
   */
  async clear(): Promise<void> {
    if (this.#runtime.isClosed()) return closed()
    this.#core.dropNamespace(this.#scope.path)
    await this.#core.bump([namespaceCell(this.#scope.path)])
  }

  /**
   * A view of the cache whose keys live under `name`: `cache.namespace('pools').get('mega')`
   * reads the key `pools:mega`. Namespaces share the levels, the bounds, the
   * bus and the connection; `clear()` on a namespace clears only it.
   *
   * @example
   * const pools = cache.namespace('pools')
   */
  namespace(name: string): MultiLevelCache {
    if (name.length === 0 || name.includes(':')) {
      throw new CacheError(
        'E_CACHE_INVALID_NAMESPACE',
        `Invalid cache namespace "${name}": empty or contains ":"`,
      )
    }
    const path = `${this.#scope.path}${name}:`
    return new MultiLevelCache(this.#runtime, {
      path,
      cells: [...this.#scope.cells, this.#core.namespaceCell(path)],
    })
  }

  /**
   * A non-critical readiness check: `pass` with the Redis round-trip time,
   * `warn` when Redis is unreachable, the breaker is open or the bus is
   * disconnected (the cache still serves from L1), `pass` in L1-only mode.
   *
   * @example
   * health.register(cache.healthCheck())
   */
  healthCheck(): HealthCheck {
    return this.#runtime.healthCheck()
  }

  /**
   * Stops listening to the bus and closes the Redis connections the cache
   * opened (not a client you passed). Shared by all namespaces.
   */
  close(): Promise<void> {
    return this.#runtime.close()
  }
}

function closed(): Promise<never> {
  return Promise.reject(new CacheError('E_CACHE_CLOSED', 'The cache was closed'))
}

/**
 * Builds a {@link MultiLevelCache}: L1 only when `redis` is omitted, L1 + Redis
 * (with the Redis pub/sub bus) otherwise. `ioredis` is loaded only when you
 * give a `redis.url`.
 *
 * @example
 * // L1 only (tests, single process)
 * const local = multiLevelCache({ name: 'pools' })
 *
 * @example
 * // L1 + Redis, with metrics, logs and a health check
 * const cache = multiLevelCache({
 *   name: 'pools',
 *   redis: { url: config.redisUrl },
 *   meter: metrics.meter,
 *   logger,
 *   serializer: jsonWithBigIntSerializer,
 * })
 * health.register(cache.healthCheck())
 */
export function multiLevelCache(options: MultiLevelCacheOptions = {}): MultiLevelCache {
  const name = options.name ?? CACHE_DEFAULTS.name
  const prefix = options.prefix ?? name
  const clock = options.clock ?? systemClock
  const logger = options.logger
  const metrics = new CacheMetrics(options.meter, name)
  const connections = resolveRedisConnections(options.redis, options.bus !== undefined)
  const breaker = connections === undefined ? undefined : cacheBreaker(options, name, clock)
  const ownsBreaker = breaker !== undefined && !(options.breaker instanceof CircuitBreaker)
  const redis =
    connections === undefined || breaker === undefined
      ? undefined
      : new RedisL2({
          client: connections.client,
          breaker,
          connectTimeoutMs: options.redis?.connectTimeoutMs ?? CACHE_DEFAULTS.connectTimeoutMs,
        })
  const errors = new L2ErrorReporter({
    clock,
    metrics,
    logger,
    cache: name,
    throwOnError: options.throwOnL2Error ?? false,
  })
  const versionKey = (cell: string) => `${prefix}:v:${cell}`
  const versions = new VersionTable({
    clock,
    ttlMs: options.tagVersionTtlMs ?? CACHE_DEFAULTS.tagVersionTtlMs,
    backend:
      redis === undefined
        ? undefined
        : {
            fetch: async (names) =>
              (await redis.mget(names.map(versionKey))).map((value) => Number(value ?? 0)),
            bump: (names) => redis.incr(names.map(versionKey)),
          },
    onError: (error) => errors.report('read tag versions', error, false),
  })
  const bus =
    options.bus ??
    (connections?.subscriber === undefined || redis === undefined
      ? undefined
      : new RedisBus({
          subscriber: connections.subscriber,
          publish: (channel, payload) => redis.publish(channel, payload),
          ownsSubscriber: connections.ownsSubscriber,
          onConnectionChange: (connected) =>
            logger?.info({ cache: name, connected }, `cache bus ${connected ? 'connected' : 'disconnected'}`),
        }))
  const serializer = options.serializer ?? jsonSerializer
  const l2 =
    redis === undefined
      ? undefined
      : new L2Entries({
          redis,
          prefix,
          cache: name,
          clock,
          versions,
          serializer,
          metrics,
          errors,
          logger,
        })
  const l1 = new LruCache<CacheEntry>({
    maxEntries: options.l1?.maxEntries ?? CACHE_DEFAULTS.l1MaxEntries,
    maxBytes: options.l1?.maxBytes ?? CACHE_DEFAULTS.l1MaxBytes,
  })
  const core = new CacheCore({
    name,
    prefix,
    clock,
    random: options.random ?? Math.random,
    l1,
    l1MaxTtlMs:
      options.l1MaxTtlMs ?? (l2 === undefined ? Number.POSITIVE_INFINITY : CACHE_DEFAULTS.l1MaxTtlMs),
    l2,
    bus,
    versions,
    serializer,
    metrics,
    errors,
    pending: new PendingInvalidations({ cache: name, logger }),
    logger,
    defaults: {
      ttlMs: options.ttlMs ?? CACHE_DEFAULTS.ttlMs,
      graceMs: options.graceMs ?? CACHE_DEFAULTS.graceMs,
      jitter: options.jitter ?? CACHE_DEFAULTS.jitter,
      negativeTtlMs: options.negativeTtlMs ?? CACHE_DEFAULTS.negativeTtlMs,
      softTimeoutMs: options.softTimeoutMs,
      graceBackoffMs: options.graceBackoffMs ?? CACHE_DEFAULTS.graceBackoffMs,
    },
  })
  const unsubscribe = bus?.subscribe(core.channel, {
    message: (message) => core.receive(message),
    resync: () => core.resync(),
  })
  const stopWatchingBreaker = breaker?.onStateChange(({ from, to }) => {
    const line = { cache: name, breaker: breaker.name, from, to }
    if (to === 'open') logger?.warn(line, 'cache L2 circuit opened: serving from L1 without Redis')
    else logger?.info(line, `cache L2 circuit ${to}`)
    if (to === 'closed') core.flushPending()
  })

  let closed = false
  const runtime: CacheRuntime = {
    core,
    isClosed: () => closed,
    healthCheck: () =>
      cacheHealthCheck({
        name: options.healthCheckName ?? CACHE_DEFAULTS.healthCheckName,
        l2: redis,
        bus,
        pingTimeoutMs: Math.max(options.redis?.commandTimeoutMs ?? CACHE_DEFAULTS.commandTimeoutMs, 500),
      }),
    close: async () => {
      if (closed) return
      closed = true
      unsubscribe?.()
      stopWatchingBreaker?.()
      if (ownsBreaker) breaker.dispose()
      if (options.bus === undefined) await bus?.close()
      if (connections?.ownsClient) {
        // A connection that never opened (no ioredis installed) has nothing to close;
        // its error already reached the calls that needed Redis.
        const client = await connections.client.catch(() => undefined)
        await client?.quit().catch(() => client.disconnect())
      }
    },
  }
  return new MultiLevelCache(runtime, { path: '', cells: [core.namespaceCell('')] })
}

function cacheBreaker(options: MultiLevelCacheOptions, name: string, clock: Clock): CircuitBreaker {
  const given = options.breaker
  if (given instanceof CircuitBreaker) return given
  return circuitBreaker({
    name: `cache:${name}`,
    ...CACHE_DEFAULTS.breaker,
    slidingWindow: { ...CACHE_DEFAULTS.breaker.slidingWindow },
    // The connections the cache opens carry ioredis' own `commandTimeout`; a
    // second timer per call in the breaker would only cost time. A client you
    // pass may have none, so the breaker bounds its calls.
    timeoutMs:
      options.redis?.client === undefined
        ? undefined
        : (options.redis.commandTimeoutMs ?? CACHE_DEFAULTS.commandTimeoutMs),
    clock,
    ...(options.meter === undefined ? {} : { meter: options.meter }),
    ...given,
  })
}
