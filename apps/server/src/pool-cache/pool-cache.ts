import { type JackpotStore, type Pool, PoolNotFoundError } from '@jackpot/domain'
import type { CircuitBreaker, Clock, HealthCheck } from '@jackpot/observability'
import {
  type CacheBus,
  type CacheLogger,
  type GetOrSetOptions,
  type MultiLevelCache,
  type MultiLevelCacheOptions,
  memoryBus,
  multiLevelCache,
  type WriteOptions,
} from '@jackpot/observability/cache'
import { redisBreaker } from '../redis/redis-breaker.ts'
import type { RedisClients } from '../redis/redis-clients.ts'
import { startRedisHeartbeat } from '../redis/redis-heartbeat.ts'
import { withDefaults } from '../with-defaults.ts'
import { buildPoolSnapshot, type CachedJson, type PoolSnapshot, snapshotPool } from './pool-snapshot.ts'

/** What the pool cache needs of the store: the pools, and word of every change. */
export type PoolSource = Pick<JackpotStore, 'listPools' | 'onPoolsChanged'>

/** Options of {@link createPoolCache}; every field but `store` has a default. */
export interface PoolCacheOptions {
  store: PoolSource
  /**
   * Redis as the second level and the invalidation bus (pub/sub), shared by
   * every replica. Omitted: L1 only, replicas do not see each other's changes
   * before `ttlMs`.
   */
  redis?: Pick<RedisClients, 'commands' | 'subscriber'> | undefined
  /** Bus linking L1-only caches of one process (tests). Defaults to a private in-process bus. Ignored with `redis`. */
  bus?: CacheBus | undefined
  /** Prefix of the Redis keys and of the bus channel. Defaults to `'jackpot:pool-cache'`. */
  prefix?: string | undefined
  /**
   * How long a snapshot is fresh. Every change replaces it at once on every
   * replica; the TTL only bounds how long a replica that missed that news
   * (lost bus message, Redis outage, a race) keeps serving the old one.
   * Defaults to 1 s.
   */
  ttlMs?: number | undefined
  /**
   * How long past its TTL a snapshot may still be served when the database
   * fails or is slower than `softTimeoutMs`: pool reads survive a database
   * outage this long. Defaults to 60 s (the server passes
   * `POOL_CACHE_SIE_SECONDS`, the edge's stale-if-error).
   */
  graceMs?: number | undefined
  /**
   * With a snapshot in grace, wait this long for the database before answering with it.
   * Defaults to 0: a read never waits for the database while a copy exists; the
   * refresh carries on in the background and replaces the copy when it lands.
   */
  softTimeoutMs?: number | undefined
  /** Fraction of `ttlMs` taken off at random so replicas do not refresh in step. Defaults to 0.1. */
  jitter?: number | undefined
  /** Pace of the PINGs that keep the Redis breaker informed ({@link startRedisHeartbeat}). Defaults to 250 ms. */
  heartbeatMs?: number | undefined
  /** Cache and breaker metrics (`cache_*`, `circuit_breaker_*{breaker="cache:pools"}`). Defaults to none. */
  meter?: MultiLevelCacheOptions['meter']
  /** Receives L2 errors (throttled), breaker changes and failed refreshes. Defaults to none. */
  logger?: CacheLogger | undefined
  /** Time source of the cache, breaker and heartbeat. Defaults to the system clock. */
  clock?: Clock | undefined
}

/** The defaults of {@link PoolCacheOptions}, in one place. */
export const POOL_CACHE_DEFAULTS = {
  name: 'pools',
  prefix: 'jackpot:pool-cache',
  ttlMs: 1_000,
  graceMs: 60_000,
  softTimeoutMs: 0,
  jitter: 0.1,
  heartbeatMs: 250,
} as const

/** A read waiting until the cached snapshot shows the first `seq` changes. */
interface Waiter {
  seq: number
  resolve: () => void
}

/** The one cache key: a snapshot holds every pool, so one change replaces one entry. */
const KEY = 'all'

/**
 * Pool reads served from the observability SDK's `MultiLevelCache`: one
 * {@link PoolSnapshot} (every pool read, rendered as JSON with its ETag) in
 * L1 memory and, with Redis, in L2 behind a circuit breaker.
 *
 * **Changes.** A committed write batch (contributions, wins) or configuration
 * change hands every pool's state to `store.onPoolsChanged`: they become the
 * snapshot here at once (write-through, no database read) and are `set` in
 * Redis, which over the bus drops the old one from every other replica's L1,
 * so their next read fetches it from Redis. A change that came without them
 * re-reads the pools instead. Re-reads are serialized and coalesced: one at a
 * time, and changes arriving meanwhile cause one more.
 *
 * **Staleness bound.** A replica that misses a bus message (subscriber
 * reconnecting, Redis down, a write racing another replica's) serves the old
 * snapshot for at most `ttlMs` (1 s): `l1MaxTtlMs` is set to the TTL, so
 * after it the replica asks Redis, and with Redis unreachable the database.
 *
 * **Never backwards.** Snapshots carry a revision that grows with every
 * change. A replica never serves an older snapshot after a newer one: if the
 * cache hands it an older one (a slow replica's write landing after a newer
 * one), it serves the newest it has seen and re-reads the database to repair
 * the cache.
 *
 * **Database down.** A snapshot past its TTL is served for `graceMs` while
 * the database fails (or is slower than `softTimeoutMs`).
 */
export class PoolCache {
  /** The breaker in front of Redis (`cache:pools`), when there is Redis. */
  readonly breaker: CircuitBreaker | undefined
  readonly #cache: MultiLevelCache
  readonly #store: PoolSource
  readonly #logger: CacheLogger | undefined
  readonly #readOptions: GetOrSetOptions
  readonly #writeOptions: WriteOptions
  readonly #stop: (() => void)[] = []
  /** The newest snapshot this replica has served or written. */
  #latest: PoolSnapshot | undefined
  /** Bumped whenever `#latest` moves up, so a re-read can tell whether something newer arrived meanwhile. */
  #epoch = 0
  #refreshing: Promise<void> | undefined
  #dirty = false
  #closed = false
  /** Pool changes this replica committed, and how many of them the cached snapshot already shows. */
  #changes = 0
  #applied = 0
  /** Reads waiting for the snapshot to show the changes committed before they began. */
  #waiters: Waiter[] = []
  readonly #snapshotListeners = new Set<(snapshot: PoolSnapshot) => void>()
  readonly #sharedListeners = new Set<(snapshot: PoolSnapshot) => void>()

  /** @internal Use {@link createPoolCache}. */
  constructor(options: PoolCacheOptions) {
    const settings = withDefaults(options, POOL_CACHE_DEFAULTS)
    this.#store = options.store
    this.#logger = options.logger
    this.breaker =
      options.redis &&
      redisBreaker({ name: `cache:${POOL_CACHE_DEFAULTS.name}`, meter: options.meter, clock: options.clock })
    this.#cache = multiLevelCache({
      name: POOL_CACHE_DEFAULTS.name,
      prefix: settings.prefix,
      ...(options.redis
        ? {
            redis: { client: options.redis.commands, subscriber: options.redis.subscriber },
            breaker: this.breaker,
          }
        : { bus: options.bus ?? memoryBus() }),
      l1: { maxEntries: 16 },
      l1MaxTtlMs: settings.ttlMs,
      ttlMs: settings.ttlMs,
      graceMs: settings.graceMs,
      ...(options.meter === undefined ? {} : { meter: options.meter }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    })
    this.#readOptions = {
      ttlMs: settings.ttlMs,
      graceMs: settings.graceMs,
      jitter: settings.jitter,
      softTimeoutMs: settings.softTimeoutMs,
    }
    this.#writeOptions = { ttlMs: settings.ttlMs, graceMs: settings.graceMs }
    this.#stop.push(
      options.store.onPoolsChanged((_slugs, pools) => {
        if (pools !== undefined) {
          this.#writeThrough(pools)
          return
        }
        this.#changes++
        void this.refresh()
      }),
    )
    if (options.redis && this.breaker) {
      this.#stop.push(
        startRedisHeartbeat({
          client: options.redis.commands,
          breaker: this.breaker,
          intervalMs: settings.heartbeatMs,
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        }),
      )
    }
  }

  /**
   * `GET /api/v1/pools`: the body and its ETag.
   *
   * @example
   * const { body, etag } = await poolCache.list()
   */
  async list(): Promise<CachedJson> {
    return (await this.snapshot()).list
  }

  /**
   * `GET /api/v1/pools/:slug`: the body and its ETag.
   *
   * @throws PoolNotFoundError for a slug no pool has.
   * @example
   * const { body, etag } = await poolCache.pool('mega')
   */
  async pool(slug: string): Promise<CachedJson> {
    const found = snapshotPool(await this.snapshot(), slug)
    if (found === undefined) throw new PoolNotFoundError(slug)
    return found
  }

  /**
   * The current snapshot: from L1, else L2, else the database (once per
   * replica however many readers wait). Never older than one this replica
   * served before.
   *
   * @example
   * const { revision } = await poolCache.snapshot()
   */
  async snapshot(): Promise<PoolSnapshot> {
    // Read-your-writes: a read that starts after this replica committed a change
    // (e.g. right after the 201 of a contribution) waits for the snapshot showing it.
    if (this.#applied < this.#changes) await this.#caughtUp(this.#changes)
    return this.#newest(await this.#cache.getOrSet(KEY, this.#load, this.#readOptions))
  }

  /**
   * Re-reads the pools and replaces the snapshot here and on every replica.
   * Called on every pool change; calls made while one runs are coalesced into
   * one more. Resolves when the new snapshot is written (a failed re-read is
   * logged, not thrown: the TTL bounds the staleness it leaves).
   *
   * @example
   * await poolCache.refresh()
   */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    this.#dirty = true
    this.#refreshing ??= this.#drain()
    return this.#refreshing
  }

  /**
   * The cache's readiness check (non-critical, named `cache`): `pass` with
   * the Redis round trip, `warn` while Redis is unreachable or its breaker
   * open (pool reads are then served from memory and the database), `pass`
   * in L1-only mode.
   *
   * @example
   * health.register(poolCache.healthCheck())
   */
  healthCheck(): HealthCheck {
    return this.#cache.healthCheck()
  }

  /** Stops listening to changes, the heartbeat and the bus. Leaves the Redis connections open (their owner closes them). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const stop of this.#stop) stop()
    await this.#refreshing
    this.#release(Number.POSITIVE_INFINITY)
    await this.#cache.close()
    this.breaker?.dispose()
  }

  /**
   * Calls `listener` whenever the newest snapshot this replica holds moves
   * forward: a write committed here, a re-read, or a newer snapshot read from
   * Redis after another replica's change. Returns a disposer.
   *
   * @example
   * const stop = poolCache.onSnapshot((snapshot) => stream.push(snapshot))
   */
  onSnapshot(listener: (snapshot: PoolSnapshot) => void): () => void {
    const entry = (snapshot: PoolSnapshot) => listener(snapshot)
    this.#snapshotListeners.add(entry)
    return () => {
      this.#snapshotListeners.delete(entry)
    }
  }

  /**
   * Calls `listener` after a snapshot this replica produced (a committed batch,
   * a re-read) has been written to the cache, and so to Redis and the bus when
   * there is Redis: the moment to tell the other replicas (see
   * `poolRevisionChannel`). Returns a disposer.
   *
   * @example
   * const stop = poolCache.onShared((snapshot) => channel.publish(snapshot.revision))
   */
  onShared(listener: (snapshot: PoolSnapshot) => void): () => void {
    const entry = (snapshot: PoolSnapshot) => listener(snapshot)
    this.#sharedListeners.add(entry)
    return () => {
      this.#sharedListeners.delete(entry)
    }
  }

  /**
   * Another replica announced `revision`: unless this replica already has it,
   * read the snapshot (from Redis: the bus has dropped the old one from
   * memory), which moves `onSnapshot` listeners forward. One read per replica
   * however many listen; concurrent calls share it. Never throws.
   *
   * @example
   * channel.onRevision((revision) => void poolCache.catchUp(revision))
   */
  async catchUp(revision: number): Promise<void> {
    if (this.#closed || (this.#latest?.revision ?? -1) >= revision) return
    await this.snapshot().catch(() => undefined)
  }

  /** The newest snapshot this replica has seen, if any, without touching the cache. */
  latest(): PoolSnapshot | undefined {
    return this.#latest
  }

  /**
   * A committed write batch hands over every pool's state: it becomes the
   * snapshot here at once (before the batch's writes are answered, so a read
   * after a 201 sees it), then in Redis and, over the bus, on every replica.
   * No database read: pool reads never queue behind writes.
   */
  #writeThrough(pools: readonly Pool[]): void {
    if (this.#closed) return
    const snapshot = buildPoolSnapshot(pools)
    // Versions only move forward: a batch's states are never older than what this
    // replica shows, but a re-read that raced it may already have stored a newer one.
    if (this.#latest !== undefined && snapshot.revision <= this.#latest.revision) return
    this.#advance(snapshot)
    this.#cache.set(KEY, snapshot, this.#writeOptions).then(
      () => this.#shared(snapshot),
      (error: unknown) => {
        this.#logger?.warn({ err: error }, 'pool cache: storing a committed batch’s pools failed')
      },
    )
  }

  #advance(snapshot: PoolSnapshot): void {
    const moved = this.#latest === undefined || snapshot.revision > this.#latest.revision
    this.#latest = snapshot
    this.#epoch++
    // Listeners (the SSE stream) never see a revision go back, even after a restore.
    if (!moved) return
    for (const listener of this.#snapshotListeners) {
      try {
        listener(snapshot)
      } catch (error) {
        this.#logger?.warn({ err: error }, 'pool cache: a snapshot listener threw')
      }
    }
  }

  #shared(snapshot: PoolSnapshot): void {
    // Only the newest: a slower write of an older state is no news.
    if (this.#closed || snapshot !== this.#latest) return
    for (const listener of this.#sharedListeners) {
      try {
        listener(snapshot)
      } catch (error) {
        this.#logger?.warn({ err: error }, 'pool cache: a shared-snapshot listener threw')
      }
    }
  }

  readonly #load = async (): Promise<PoolSnapshot> => buildPoolSnapshot(await this.#store.listPools())

  #newest(snapshot: PoolSnapshot): PoolSnapshot {
    const latest = this.#latest
    if (latest === undefined || snapshot.revision > latest.revision) {
      this.#advance(snapshot)
      return snapshot
    }
    if (snapshot.revision === latest.revision) return snapshot
    // An older snapshot reached the cache after a newer one: serve the newer, repair the cache.
    if (this.#refreshing === undefined) void this.refresh()
    return latest
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty && !this.#closed) {
        this.#dirty = false
        const epoch = this.#epoch
        const changes = this.#changes
        let loaded: PoolSnapshot
        try {
          loaded = await this.#load()
        } catch (error) {
          this.#logger?.warn({ err: error }, 'pool cache: re-reading the pools after a change failed')
          // Nothing better to wait for: readers get the cached snapshot (stale for at most the TTL).
          this.#release(changes)
          continue
        }
        // Older than what this replica already saw: keep the newer one, unless it was
        // seen before this read began (then the database itself went back, e.g. a restore).
        const latest = this.#latest
        const chosen =
          latest !== undefined && loaded.revision < latest.revision && this.#epoch !== epoch ? latest : loaded
        if (chosen === loaded && loaded !== latest) this.#advance(loaded)
        await this.#cache.set(KEY, chosen, this.#writeOptions)
        this.#release(changes)
        this.#shared(chosen)
      }
    } finally {
      // Synchronously after the last check of #dirty: a refresh() arriving later starts a new drain.
      this.#refreshing = undefined
      if (this.#closed) this.#release(Number.POSITIVE_INFINITY)
    }
  }

  #caughtUp(seq: number): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ seq, resolve }))
  }

  /** The cached snapshot now shows the first `applied` changes: let the reads waiting for them through. */
  #release(applied: number): void {
    this.#applied = Math.max(this.#applied, Math.min(applied, this.#changes))
    if (this.#waiters.length === 0) return
    const waiting: Waiter[] = []
    for (const waiter of this.#waiters) {
      if (waiter.seq <= applied) waiter.resolve()
      else waiting.push(waiter)
    }
    this.#waiters = waiting
  }
}

/**
 * Builds the {@link PoolCache} for this replica.
 *
 * @example
 * // L1 only (embedded mode, tests)
 * const poolCache = createPoolCache({ store })
 *
 * @example
 * // L1 + Redis, shared by the replicas
 * const redis = createRedisClients(config.REDIS_URL)
 * const poolCache = createPoolCache({ store, redis, meter: metrics.meter, logger, graceMs: config.POOL_CACHE_SIE_SECONDS * 1000 })
 * health.register(poolCache.healthCheck())
 */
export function createPoolCache(options: PoolCacheOptions): PoolCache {
  return new PoolCache(options)
}
