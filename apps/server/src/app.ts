import { Elysia } from 'elysia'
import { authPlugin } from './auth/auth-plugin.ts'
import { createAuthenticator } from './auth/authenticator.ts'
import type { ServerParts } from './build-server.ts'
import { DOCS_PATH, openApiDocs } from './docs/openapi-docs.ts'
import { jsonBody } from './http/body-limit.ts'
import { trustedProxyHops } from './http/client-ip.ts'
import { cors } from './http/cors.ts'
import { errorHandler } from './http/error-handler.ts'
import { securityHeaders } from './http/security-headers.ts'
import { rateLimitGroupsFromConfig, rateLimits } from './rate-limit/index.ts'
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

/** Everything under `/api/v1` shares one prefix and one version. */
export const API_PREFIX = '/api/v1'

/**
 * Assembles the HTTP application from parts built elsewhere (see `buildServer`,
 * which also closes them): it builds no store-facing part and owns none. It
 * does not listen: call `.listen()` (see `main.ts`) or drive it in tests with
 * `app.handle(request)`.
 *
 * @example
 * const { parts } = await buildServer(loadConfig({}))
 * const app = createApp(parts)
 * const response = await app.handle(new Request('http://localhost/api/v1/pools'))
 */
export function createApp(parts: ServerParts) {
  const { config, store, apiKeys, telemetry, poolCache, figures } = parts
  const authenticator = createAuthenticator({
    apiKeys,
    jwtKeys: config.jwtKeys,
    jwtIssuer: config.JWT_ISSUER,
    jwtAudience: config.JWT_AUDIENCE,
    jwtMaxLifetimeSeconds: config.JWT_MAX_TTL_SECONDS,
    now: parts.now,
  })
  // Limits by client IP first, then by the verified principal (see rateLimits).
  const limits =
    config.RATE_LIMIT_ENABLED && parts.rateLimiter !== undefined
      ? rateLimits({
          limiter: parts.rateLimiter,
          groups: rateLimitGroupsFromConfig(config),
          // Read at the first request, once every route below has declared its group.
          routes: () => api.routes,
          trustedProxyHops: trustedProxyHops(config),
          onDecision: telemetry.onRateLimitDecision,
        })
      : undefined
  const deps: RouteDeps = {
    store,
    figures,
    apiKeys,
    config,
    auth: authPlugin(authenticator, limits === undefined ? {} : { onVerified: limits.verified }),
  }

  const api = new Elysia({ prefix: API_PREFIX, normalize: false })
    .use(poolStreamRoutes(deps, { poolCache, hub: parts.poolStream }))
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
  return (
    new Elysia({ name: 'jackpot-server', normalize: false })
      .use(telemetry.plugin())
      // After observability: the span wraps it, so the access line carries trace_id.
      .use(parts.tracing?.plugin() ?? new Elysia({ name: 'jackpot/tracing-off' }))
      .use(errorHandler())
      .use(securityHeaders({ docsPath: DOCS_PATH }))
      .use(cors({ origins: config.corsOrigins }))
      .use(limits?.plugin ?? new Elysia({ name: 'jackpot/rate-limit' }))
      .use(jsonBody({ maxBytes: config.BODY_LIMIT_BYTES, timeoutMs: config.BODY_TIMEOUT_MS }))
      .use(openApiDocs())
      .use(api)
  )
}

export type App = ReturnType<typeof createApp>
