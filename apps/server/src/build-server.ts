import type { Config } from '@jackpot/config'
import {
  type ApiKeyStore,
  type JackpotStore,
  type OpenedJackpot,
  type OpenJackpotOptions,
  openJackpot,
} from '@jackpot/domain'
import { type App, createApp } from './app.ts'
import { startBackupResponder } from './backup/backup-responder.ts'
import { FigureMemo } from './figures/figure-memo.ts'
import type { ServerLogger } from './logger.ts'
import { createPoolCache, type PoolCache } from './pool-cache/index.ts'
import { poolRevisionChannel } from './pool-stream/pool-revision-channel.ts'
import { PoolStreamHub } from './pool-stream/pool-stream-hub.ts'
import { MemoryRateLimiter, type RateLimiter } from './rate-limit/index.ts'
import { sharedRateLimiter } from './rate-limit/shared-rate-limiter.ts'
import { createRedisClients, type RedisClients } from './redis/index.ts'
import { startLedgerVerification } from './telemetry/ledger-verification.ts'
import {
  createServerObservability,
  type ServerObservability,
  type ServerObservabilityOptions,
} from './telemetry/server-observability.ts'
import { createServerTracing, type ServerTracing } from './telemetry/server-tracing.ts'

/** What `createApp` assembles: every store-facing part, built once by {@link buildServer}. */
export interface ServerParts {
  config: Config
  /** Logger, metrics, health registry, database breaker; already watching `store`. */
  telemetry: ServerObservability
  store: JackpotStore
  /** Where the authenticator and the key routes find game servers' API keys. */
  apiKeys: ApiKeyStore
  /** Serves the pool reads, and feeds `poolStream`. */
  poolCache: PoolCache
  /** Serves the dashboard's figures (stats, top games, pool growth, latest wins) for a moment. */
  figures: FigureMemo
  /** The live feed behind `GET /pools/stream`. */
  poolStream: PoolStreamHub
  /** Spans per request and database call; undefined when `config.TRACING_ENABLED` is false. */
  tracing?: ServerTracing | undefined
  /** Limits requests per client; undefined when `config.RATE_LIMIT_ENABLED` is false. */
  rateLimiter: RateLimiter | undefined
  /** Clock in milliseconds for token expiry checks. Defaults to Date.now. */
  now?: (() => number) | undefined
}

/** Parts and settings {@link buildServer} takes instead of its defaults. Whatever is given here, the caller closes. */
export interface ServerOverrides {
  /** Defaults to the server logger for `config` (JSON lines on stdout). */
  logger?: ServerLogger | undefined
  /** Options of the telemetry (clock, breaker registry and tuning, check pacing, `globalMetrics`). */
  observability?: Omit<ServerObservabilityOptions, 'config' | 'logger'> | undefined
  /** Use this store (and its API keys) instead of opening one from `config`. Not closed by `close()`. */
  store?: OpenedJackpot | undefined
  /** Use these API keys instead of the store's. */
  apiKeys?: ApiKeyStore | undefined
  /** Options of the store opened from `config` (e.g. `databaseUrl`, `poolSize`); ignored with `store`. */
  database?: Partial<OpenJackpotOptions> | undefined
  /**
   * Redis for the pool cache and the shared rate limits. Defaults to clients for
   * `config.REDIS_URL` when it is set; none (per-replica cache and limits) otherwise.
   */
  redis?: RedisClients | undefined
  /** Defaults to the Redis-backed shared limiter with Redis, an in-process one without. */
  rateLimiter?: RateLimiter | undefined
  /** Defaults to Date.now. */
  now?: (() => number) | undefined
}

/** The server, built and wired but not listening; `close()` releases what {@link buildServer} built. */
export interface Server {
  app: App
  parts: ServerParts
  /** The store it opened (or was given), with its API keys. */
  store: OpenedJackpot
  /** Set when the server uses Redis (built here or given). */
  redis: RedisClients | undefined
  /**
   * Closes, in order, the users before what they use: the pool stream, the pool
   * cache, the shared limiter, Redis, the store, the telemetry. Skips what was
   * passed in as an override. Idempotent. Stop the app first (`app.stop()`).
   */
  close(): Promise<void>
}

/**
 * The one composition root: builds every part the server needs from `config`
 * (telemetry first, since the store is opened with its interceptor, meter and
 * logger; then the store, Redis, the pool cache, the pool stream and the rate
 * limiter), hands them to `createApp`, and knows which of them it must close.
 * `main.ts` and the test harnesses both call it; tests swap parts through `overrides`.
 *
 * @throws whatever `openJackpot` throws (after closing what it had built).
 * @example
 * const server = await buildServer(loadConfig(), { store })
 * const response = await server.app.handle(new Request('http://localhost/api/v1/pools'))
 * await server.close()
 */
export async function buildServer(config: Config, overrides: ServerOverrides = {}): Promise<Server> {
  const closers: (() => Promise<void> | void)[] = []
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer()
  }

  // Built first and closed last, so the store's final write batches are exported.
  const tracing = createServerTracing(config)
  if (tracing !== undefined) closers.push(() => tracing.shutdown())
  const telemetry = createServerObservability({
    config,
    ...overrides.observability,
    ...(overrides.logger === undefined ? {} : { logger: overrides.logger }),
  })
  closers.push(() => telemetry.close())
  const { logger } = telemetry
  const meter = telemetry.metrics.meter

  let store: OpenedJackpot
  try {
    store = overrides.store ?? (await openStore(config, telemetry, tracing, overrides.database))
  } catch (error) {
    await close()
    throw error
  }
  if (overrides.store === undefined) closers.push(() => store.close())
  await telemetry.watch(store)
  // The embedded database is this process's alone: `bun run cli backup` asks it for the dump.
  const pgliteDataDir = overrides.database?.pgliteDataDir ?? config.PGLITE_DATA_DIR
  if (store.kind === 'pglite' && overrides.store === undefined && !pgliteDataDir.startsWith('memory://')) {
    const responder = startBackupResponder({ dataDir: pgliteDataDir, store, logger })
    closers.push(() => responder.stop())
  }

  // Redis is optional: without it the pool cache is per replica and limits are per replica.
  // Its clients fail fast and reconnect on their own, so a Redis down at start-up is no reason to exit.
  const redis = overrides.redis ?? (config.REDIS_URL ? createRedisClients(config.REDIS_URL) : undefined)
  if (overrides.redis === undefined && redis !== undefined) closers.push(() => redis.close())

  let rateLimiter = overrides.rateLimiter
  if (rateLimiter === undefined && config.RATE_LIMIT_ENABLED) {
    if (redis === undefined) {
      rateLimiter = new MemoryRateLimiter()
    } else {
      const shared = sharedRateLimiter({
        redis: redis.commands,
        keyPrefix: `${config.REDIS_KEY_PREFIX}:ratelimit:`,
        meter,
        logger,
      })
      closers.push(() => shared.close())
      rateLimiter = shared.limiter
    }
  }

  const poolCache = createPoolCache({
    store,
    redis,
    prefix: `${config.REDIS_KEY_PREFIX}:pool-cache`,
    meter,
    logger,
    graceMs: config.POOL_CACHE_SIE_SECONDS * 1000,
  })
  closers.push(() => poolCache.close())
  telemetry.health.register(poolCache.healthCheck())

  const figures = new FigureMemo({ store })
  closers.push(() => figures.close())

  const poolStream = new PoolStreamHub({
    source: poolCache,
    maxPerClient: config.POOL_STREAM_MAX_PER_IP,
    meter,
    shuttingDown: () => telemetry.health.shuttingDown,
  })
  closers.push(() => poolStream.close())

  // The verify-ledger replay, in the background: a divergence is a metric, an alert and a log line.
  const ledgerVerification = startLedgerVerification({
    store,
    meter,
    logger,
    intervalMs: config.LEDGER_VERIFY_INTERVAL_MS,
  })
  closers.push(() => ledgerVerification.stop())

  // Push across replicas: a change shared through Redis is announced on a channel, and every
  // replica's cache reads it at once, so its streams have it without waiting for the hub's resync.
  if (redis !== undefined) {
    const revisions = poolRevisionChannel({
      commands: redis.commands,
      subscriber: redis.subscriber,
      channel: `${config.REDIS_KEY_PREFIX}:pool-stream`,
      logger,
    })
    const stopAnnouncing = poolCache.onShared((snapshot) => revisions.publish(snapshot.revision))
    const stopHearing = revisions.onRevision((revision) => void poolCache.catchUp(revision))
    closers.push(() => {
      stopAnnouncing()
      stopHearing()
      return revisions.close()
    })
  }

  const parts: ServerParts = {
    config,
    telemetry,
    store,
    apiKeys: overrides.apiKeys ?? store,
    poolCache,
    figures,
    poolStream,
    rateLimiter,
    tracing,
    now: overrides.now,
  }
  return { app: createApp(parts), parts, store, redis, close }
}

function openStore(
  config: Config,
  telemetry: ServerObservability,
  tracing: ServerTracing | undefined,
  database: Partial<OpenJackpotOptions> = {},
): Promise<OpenedJackpot> {
  return openJackpot({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: config.PGLITE_DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.LOCK_TIMEOUT_MS,
    idempotencyRetentionDays: config.IDEMPOTENCY_RETENTION_DAYS,
    partitionsAheadDays: config.LEDGER_PARTITIONS_AHEAD_DAYS,
    currency: config.JACKPOT_CURRENCY,
    writes: {
      queueLimit: config.WRITE_QUEUE_LIMIT,
      maxBatchSize: config.WRITE_BATCH_MAX,
      deadlineMs: config.WRITE_DEADLINE_MS,
    },
    ...database,
    logger: telemetry.logger,
    meter: telemetry.metrics.meter,
    interceptor: tracing === undefined ? telemetry.interceptor : tracing.traced(telemetry.interceptor),
    tracer: tracing?.tracer,
  })
}
