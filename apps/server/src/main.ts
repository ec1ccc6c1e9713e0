/**
 * `bun run start`: the jackpot server. With no environment it runs on port
 * 3000 on an embedded PGlite database under ./data; DATABASE_URL switches to
 * PostgreSQL, REDIS_URL shares the pool cache and rate limits across replicas.
 */
import { type Config, ConfigError, loadConfig } from '@jackpot/config'
import { type JackpotStore, openJackpot } from '@jackpot/domain'
import { createApp } from './app.ts'
import { drainRequests } from './drain-requests.ts'
import { createServerObservability } from './observability/server-observability.ts'
import { createPoolCache } from './pool-cache/index.ts'
import { sharedRateLimiter } from './rate-limit/shared-rate-limiter.ts'
import { createRedisClients } from './redis/index.ts'
import { serveOptions } from './serve-options.ts'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) fail(error.message)
  throw error
}

const telemetry = createServerObservability({ config })
const { logger } = telemetry

let store: JackpotStore
try {
  store = await openJackpot({
    databaseUrl: config.DATABASE_URL,
    pgliteDataDir: config.PGLITE_DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.LOCK_TIMEOUT_MS,
    currency: config.JACKPOT_CURRENCY,
    logger,
    meter: telemetry.metrics.meter,
    interceptor: telemetry.interceptor,
    writes: {
      queueLimit: config.WRITE_QUEUE_LIMIT,
      maxBatchSize: config.WRITE_BATCH_MAX,
      deadlineMs: config.WRITE_DEADLINE_MS,
    },
  })
} catch (error) {
  fail(`Could not open the database: ${describe(error)}`)
}

// Redis is optional: without it the pool cache is per replica and limits are per replica.
// Its clients fail fast and reconnect on their own, so a Redis down at start-up is no reason to exit.
const redis = config.REDIS_URL ? createRedisClients(config.REDIS_URL) : undefined
const shared = redis
  ? sharedRateLimiter({
      redis: redis.commands,
      keyPrefix: `${config.REDIS_KEY_PREFIX}:ratelimit:`,
      meter: telemetry.metrics.meter,
      logger,
    })
  : undefined
const routesStore = telemetry.observe(store)
const poolCache = createPoolCache({
  store: routesStore,
  redis,
  prefix: `${config.REDIS_KEY_PREFIX}:pool-cache`,
  meter: telemetry.metrics.meter,
  logger,
  graceMs: config.POOL_CACHE_SIE_SECONDS * 1000,
})

const app = createApp({
  config,
  store,
  observability: telemetry,
  poolCache,
  ...(shared === undefined ? {} : { rateLimiter: shared.limiter }),
})

async function closeResources(): Promise<void> {
  await poolCache.close()
  await shared?.close()
  await redis?.close()
  await store.close()
  await telemetry.close()
}

try {
  app.listen(serveOptions(config))
} catch (error) {
  await closeResources()
  fail(`Could not listen on ${config.HOST}:${config.PORT}: ${describe(error)}`)
}

const port = app.server?.port ?? config.PORT
const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST
const base = `http://${host}:${port}`
logger.info(
  {
    port,
    database: store.kind,
    ...(store.kind === 'pglite' ? { dataDir: config.PGLITE_DATA_DIR } : {}),
    redis: redis !== undefined,
  },
  'listening',
)
console.log(
  [
    '',
    `  Jackpot API     ${base}/api/v1/pools`,
    `  Swagger UI      ${base}/swagger`,
    `  OpenAPI spec    ${base}/swagger/json`,
    `  Metrics         ${base}/metrics`,
    `  Health          ${base}/health`,
    `  Database        ${store.kind === 'pglite' ? `PGlite in ${config.PGLITE_DATA_DIR}` : 'PostgreSQL (DATABASE_URL)'}`,
    '',
    '  Get an admin token:  bun run cli token --role admin --sub you',
    '',
  ].join('\n'),
)

let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  // Readiness turns fail first, so load balancers stop sending new requests while
  // the in-flight ones drain; liveness stays pass so nothing restarts us meanwhile.
  telemetry.health.beginShutdown()
  logger.info(
    { signal, readinessDelayMs: config.SHUTDOWN_READINESS_DELAY_MS, graceMs: config.SHUTDOWN_GRACE_MS },
    'shutting down: readiness fails, then requests drain',
  )
  if (config.SHUTDOWN_READINESS_DELAY_MS > 0) await Bun.sleep(config.SHUTDOWN_READINESS_DELAY_MS)
  // Every request whose bytes arrived gets its answer, even on PGlite's busy event loop (see drainRequests).
  const server = app.server
  if (server && !(await drainRequests(server, { graceMs: config.SHUTDOWN_GRACE_MS }))) {
    logger.warn({}, 'grace period over: closed the remaining connections')
  }
  // The Bun server is stopped; this runs the app's onStop hooks (metrics flush, plugin teardown).
  if (server) await app.stop(false).catch(() => undefined)
  await closeResources()
  logger.info({}, 'stopped')
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Prints a clear message without a stack trace and exits 1. */
function fail(message: string): never {
  console.error(`\n${message}\n`)
  process.exit(1)
}
