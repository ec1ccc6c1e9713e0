/**
 * `bun run start`: the jackpot server. With no environment it runs on port
 * 3000 on an embedded PGlite database under ./data; DATABASE_URL switches to
 * PostgreSQL, REDIS_URL shares the pool cache and rate limits across replicas.
 */
import { type Config, ConfigError, loadConfig } from '@jackpot/config'
import { buildServer, type Server } from './build-server.ts'
import { drainRequests } from './drain-requests.ts'
import { serveOptions } from './serve-options.ts'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) fail(error.message)
  throw error
}

let built: Server
try {
  built = await buildServer(config)
} catch (error) {
  fail(`Could not open the database: ${describe(error)}`)
}
const { app, store, close: closeResources } = built
const { telemetry } = built.parts
const { logger } = telemetry

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
    redis: built.redis !== undefined,
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
  // The Bun server is stopped; this runs the app's onStop hooks (plugin teardown), then
  // buildServer's close releases the parts (pool stream, cache, Redis, store, metrics flush).
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
