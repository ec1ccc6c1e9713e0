import type { Meter } from '@opentelemetry/api'
import type { Redis } from 'ioredis'
import type { CircuitBreaker, CircuitBreakerOptions } from '../breaker/index.ts'
import type { Clock } from '../clock/index.ts'
import type { LoggerPort } from '../logger/logger-port.ts'
import type { CacheBus } from './bus/cache-bus.ts'
import type { CacheSerializer } from './serializer.ts'

/** The levels of a {@link LoggerPort} the cache writes to (pino's `Logger` fits). */
export type CacheLogger = Pick<LoggerPort, 'info' | 'warn'>

/** Bounds of the in-memory level. */
export interface L1Options {
  /** Most entries kept. `0` disables L1 (every read goes to L2). Defaults to 10 000. */
  maxEntries?: number
  /**
   * Most bytes kept, approximated as the length of the serialized value plus
   * the key and ~100 bytes of bookkeeping per entry. Defaults to 64 MiB.
   */
  maxBytes?: number
}

/**
 * Redis as the second level. Give a URL (the cache then loads `ioredis` lazily
 * and opens two fail-fast connections, one for commands and one for pub/sub)
 * or your own client.
 *
 * A client you pass is used as it is: configure it with
 * {@link redisFailFastOptions} (no offline queue, one retry per request, a
 * command timeout, a capped reconnect delay), otherwise ioredis 6 queues and
 * retries a command for over a minute while Redis is down. The cache still
 * bounds each call with `commandTimeoutMs` and its circuit breaker.
 */
export interface RedisL2Options {
  /** e.g. `redis://127.0.0.1:6379/0`. */
  url?: string
  /** Client for commands. Not closed by `close()`. */
  client?: Redis
  /** Client for the pub/sub bus. Defaults to `client.duplicate()` (closed by `close()`). */
  subscriber?: Redis
  /**
   * Upper bound of one Redis call: ioredis `commandTimeout` on the connections
   * the cache opens, the breaker's timeout around a client you pass. Defaults to 250 ms.
   */
  commandTimeoutMs?: number
  /** Wait for the first connection this long before a command counts as failed. Defaults to 2 s. */
  connectTimeoutMs?: number
}

/** Options shared by `set` and `getOrSet`. */
export interface WriteOptions {
  /** How long the value is fresh. Defaults to the cache's `ttlMs`. */
  ttlMs?: number
  /**
   * How long after `ttlMs` the stale value may still be served when the
   * factory fails or exceeds `softTimeoutMs`. Defaults to the cache's `graceMs`.
   */
  graceMs?: number
  /** Tags for {@link MultiLevelCache.invalidateTags}. */
  tags?: readonly string[]
}

/** Options of `getOrSet`. */
export interface GetOrSetOptions extends WriteOptions {
  /**
   * Fraction of `ttlMs` taken off at random per entry (0.1 → each entry lives
   * 90–100 % of `ttlMs`) so entries written together do not expire together.
   * Defaults to the cache's `jitter`.
   */
  jitter?: number
  /**
   * How long a factory result of `undefined` or `null` is cached; `0` caches
   * nothing. Defaults to the cache's `negativeTtlMs`.
   */
  negativeTtlMs?: number
  /**
   * When a stale value within its grace period exists, wait for the factory
   * this long and then answer with the stale value while the factory finishes
   * in the background. `0` answers at once (stale-while-revalidate).
   * Defaults to the cache's `softTimeoutMs` (no soft timeout).
   */
  softTimeoutMs?: number
}

/** Options of `get`. */
export interface GetOptions {
  /** Also return a value past its TTL but within its grace period. Defaults to false. */
  allowStale?: boolean
}

/** What the factory given to `getOrSet` receives. */
export interface FactoryContext<T> {
  /** The key being computed, without namespace. */
  readonly key: string
  /** The previous value when it is stale but within its grace period. */
  readonly staleValue: T | undefined
  /** Overrides the TTL of this result (e.g. from an HTTP `max-age`). */
  setTtl(ttlMs: number): void
}

/** Options of {@link multiLevelCache}; every field has a default. */
export interface MultiLevelCacheOptions {
  /** Names the cache in metrics (`cache` label), logs, the breaker (`cache:<name>`) and the health check. Defaults to `'default'`. */
  name?: string
  /** Prefix of every Redis key and of the pub/sub channel. Defaults to `name`. */
  prefix?: string
  /** In-memory level bounds. Defaults to 10 000 entries / 64 MiB. */
  l1?: L1Options
  /**
   * Longest time an L1 entry is served without checking L2, whatever its TTL.
   * This bounds how stale a replica can be after missing invalidation messages
   * (bus down, Redis outage): at most `l1MaxTtlMs` after the change. Only
   * applies with Redis. Defaults to 30 s.
   */
  l1MaxTtlMs?: number
  /** Redis as L2 and bus. Omitted: L1 only, with the in-process bus. */
  redis?: RedisL2Options
  /**
   * Bus for cross-instance L1 invalidation. Defaults to Redis pub/sub when
   * `redis` is set, otherwise none; pass a shared `memoryBus()` to link
   * several L1-only caches of one process.
   */
  bus?: CacheBus
  /** Default TTL. Defaults to 60 s. */
  ttlMs?: number
  /** Default grace period. Defaults to 0 (no stale serving). */
  graceMs?: number
  /** Default TTL jitter fraction. Defaults to 0. */
  jitter?: number
  /** Default negative-cache TTL. Defaults to 0 (null/undefined are not cached). */
  negativeTtlMs?: number
  /** Default soft timeout. Defaults to none (wait for the factory). */
  softTimeoutMs?: number
  /** After a factory failure answered with a stale value, serve it without retrying this long. Defaults to 1 s. */
  graceBackoffMs?: number
  /**
   * How long a tag version (and namespace generation) read from Redis is
   * trusted before it is read again; bounds how late a tag invalidation is
   * seen by a replica that missed its bus message. Defaults to 1 s.
   */
  tagVersionTtlMs?: number
  /** Value encoding for Redis and for the L1 byte estimate. Defaults to {@link jsonSerializer}. */
  serializer?: CacheSerializer
  /** Throw `CacheError('E_CACHE_L2')` to the caller when Redis fails, instead of carrying on with L1. Defaults to false. */
  throwOnL2Error?: boolean
  /** Breaker around L2, or options for the one the cache creates. */
  breaker?: CircuitBreaker | Partial<CircuitBreakerOptions>
  /** OpenTelemetry meter for the cache metrics. Defaults to none. */
  meter?: Meter
  /** Receives L2 errors (throttled) and breaker/bus state changes. Defaults to none. */
  logger?: CacheLogger
  /** Time source. Defaults to the system clock. */
  clock?: Clock
  /** Random source for jitter, in [0, 1). Defaults to `Math.random`. */
  random?: () => number
  /** Name of the health check. Defaults to `'cache'`. */
  healthCheckName?: string
}

/** Every default of {@link MultiLevelCacheOptions}, in one place. */
export const CACHE_DEFAULTS = {
  name: 'default',
  l1MaxEntries: 10_000,
  l1MaxBytes: 64 * 1024 * 1024,
  l1MaxTtlMs: 30_000,
  ttlMs: 60_000,
  graceMs: 0,
  jitter: 0,
  negativeTtlMs: 0,
  graceBackoffMs: 1_000,
  tagVersionTtlMs: 1_000,
  commandTimeoutMs: 250,
  connectTimeoutMs: 2_000,
  healthCheckName: 'cache',
  /** The breaker the cache builds around Redis: opens when half of the last 20 calls (at least 5) failed, probes after 1 s. */
  breaker: {
    slidingWindow: { type: 'count', size: 20 },
    minimumCalls: 5,
    failureRateThreshold: 50,
    openStateWaitMs: 1_000,
    permittedCallsInHalfOpen: 1,
    // ioredis commands take no AbortSignal: an abortable one per call would be pure cost.
    abortCalls: false,
  },
} as const
