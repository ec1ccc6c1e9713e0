import type { Config } from '@jackpot/config'
import type { JackpotStore } from '@jackpot/domain'
import { Elysia } from 'elysia'
import { authPlugin } from './auth/auth-plugin.ts'
import { createAuthenticator } from './auth/authenticator.ts'
import { DOCS_PATH, openApiDocs } from './docs/openapi-docs.ts'
import { jsonBody } from './http/body-limit.ts'
import { trustedProxyHops } from './http/client-ip.ts'
import { cors } from './http/cors.ts'
import { errorHandler } from './http/error-handler.ts'
import { securityHeaders } from './http/security-headers.ts'
import type { ServerLogger } from './logger.ts'
import { createServerObservability, type ServerObservability } from './observability/server-observability.ts'
import { createPoolCache, type PoolCache } from './pool-cache/index.ts'
import {
  MemoryRateLimiter,
  type RateLimiter,
  rateLimitGroupsFromConfig,
  rateLimits,
} from './rate-limit/index.ts'
import { apiKeyRoutes } from './routes/api-keys.ts'
import { auditRoutes } from './routes/audit.ts'
import { configRoutes } from './routes/config.ts'
import { contributionRoutes } from './routes/contributions.ts'
import { dashboardReadRoutes } from './routes/dashboard-reads.ts'
import { ledgerRoutes } from './routes/ledger.ts'
import { poolStreamRoutes } from './routes/pool-stream.ts'
import { poolRoutes } from './routes/pools.ts'
import type { RouteDeps } from './routes/route-deps.ts'
import { statsRoutes } from './routes/stats.ts'
import { winRoutes } from './routes/wins.ts'

export interface CreateAppOptions {
  config: Config
  store: JackpotStore
  /**
   * Logger, metrics, health registry and database breaker (see
   * `createServerObservability`). `store` should have been opened with its
   * `interceptor`, `meter` and `logger` so database calls are guarded and timed.
   * Defaults to a private set built here (metrics not global), closed when the app stops.
   */
  observability?: ServerObservability
  /** Logger of the default `observability`; ignored when `observability` is given. */
  logger?: ServerLogger
  /** Clock in milliseconds for token expiry checks. Defaults to Date.now. */
  now?: () => number
  /**
   * Limits requests per client when `config.RATE_LIMIT_ENABLED`. Defaults to
   * an in-process limiter; pass a Redis-backed one to share limits across replicas.
   */
  rateLimiter?: RateLimiter
  /**
   * Serves the pool reads. Defaults to an L1-only cache of `store`; main.ts
   * passes one backed by Redis so the replicas share it (and closes it).
   */
  poolCache?: PoolCache
}

/** Everything under `/api/v1` shares one prefix and one version. */
export const API_PREFIX = '/api/v1'

/**
 * Builds the HTTP application. It does not listen: call `.listen()` (see
 * `main.ts`) or drive it in tests with `app.handle(request)`.
 *
 * @example
 * const store = await openJackpot({ pgliteDataDir: 'memory://' })
 * const app = createApp({ config: loadConfig({}), store })
 * const response = await app.handle(new Request('http://localhost/api/v1/pools'))
 */
export function createApp(options: CreateAppOptions) {
  const { config } = options
  const owned = options.observability === undefined
  const telemetry =
    options.observability ??
    createServerObservability({
      config,
      globalMetrics: false,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    })
  const { logger } = telemetry
  // The routes see the observed store: its results feed the pool gauges and /health/jackpot.
  const store = telemetry.observe(options.store)
  const authenticator = createAuthenticator({
    store,
    jwtKeys: config.jwtKeys,
    jwtIssuer: config.JWT_ISSUER,
    jwtAudience: config.JWT_AUDIENCE,
    jwtMaxLifetimeSeconds: config.JWT_MAX_TTL_SECONDS,
    now: options.now,
  })
  // Limits by client IP first, then by the verified principal (see rateLimits).
  const limits = config.RATE_LIMIT_ENABLED
    ? rateLimits({
        limiter: options.rateLimiter ?? new MemoryRateLimiter(),
        groups: rateLimitGroupsFromConfig(config),
        trustedProxyHops: trustedProxyHops(config),
        onDecision: telemetry.onRateLimitDecision,
      })
    : undefined
  const deps: RouteDeps = {
    store,
    config,
    auth: authPlugin(authenticator, limits === undefined ? {} : { onVerified: limits.verified }),
  }
  const poolCache =
    options.poolCache ??
    createPoolCache({
      store,
      logger,
      meter: telemetry.metrics.meter,
      graceMs: config.POOL_CACHE_SIE_SECONDS * 1000,
    })
  telemetry.health.register(poolCache.healthCheck())

  const api = new Elysia({ prefix: API_PREFIX, normalize: false })
    .use(
      poolStreamRoutes(deps, {
        poolCache,
        meter: telemetry.metrics.meter,
        shuttingDown: () => telemetry.health.shuttingDown,
      }),
    )
    .use(poolRoutes(deps, poolCache))
    .use(contributionRoutes(deps))
    .use(winRoutes(deps))
    .use(ledgerRoutes(deps))
    .use(configRoutes(deps))
    .use(auditRoutes(deps))
    .use(statsRoutes(deps))
    .use(dashboardReadRoutes(deps))
    .use(apiKeyRoutes(deps))

  // Order matters: observability wraps everything after it (request id, access log,
  // metrics see every response, 429s and 413s included). The security and CORS headers
  // are Elysia default headers, in every response's `set.headers` from the start, so
  // they are there when the rate limiter or the body limit answers early.
  return new Elysia({ name: 'jackpot-server', normalize: false })
    .use(telemetry.plugin())
    .use(errorHandler())
    .use(securityHeaders({ docsPath: DOCS_PATH }))
    .use(cors({ origins: config.corsOrigins }))
    .use(limits?.plugin ?? new Elysia({ name: 'jackpot/rate-limit' }))
    .use(jsonBody({ maxBytes: config.BODY_LIMIT_BYTES, timeoutMs: config.BODY_TIMEOUT_MS }))
    .use(openApiDocs())
    .use(api)
    .onStop(async () => {
      if (options.poolCache === undefined) await poolCache.close()
      if (owned) await telemetry.close()
    })
}

export type App = ReturnType<typeof createApp>
