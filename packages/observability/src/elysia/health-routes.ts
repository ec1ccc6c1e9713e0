import { Elysia } from 'elysia'
import { type CheckKind, HEALTH_CONTENT_TYPE, type HealthRegistry } from '../health/index.ts'

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  /** Base path. Defaults to `'/health'`. */
  path?: string
  /** Checks that get a route of their own, e.g. `['database', 'jackpot']` → `/health/database`. Defaults to none. */
  checks?: readonly string[]
}

const KINDS: readonly CheckKind[] = ['live', 'ready', 'startup']

/**
 * Health endpoints answering `application/health+json` from a registry: the base
 * path runs every check, `/live`, `/ready` and `/startup` run the checks of that
 * kind, and each name in `checks` gets its own route (static, so the route
 * template stays bounded). The HTTP status is the report's (200, or 503 on fail).
 *
 * @example
 * app.use(healthRoutes(registry, { checks: ['database'] }))
 */
export function healthRoutes(registry: HealthRegistry, options: HealthRoutesOptions = {}) {
  const base = options.path ?? '/health'
  const respond = async (filter?: Parameters<HealthRegistry['run']>[0]) => {
    const report = await registry.run(filter)
    return new Response(JSON.stringify(report.body), {
      status: report.httpStatus,
      headers: { 'content-type': HEALTH_CONTENT_TYPE, 'cache-control': 'no-store' },
    })
  }
  // For OpenAPI documents that include these routes: the two answers a probe can get.
  const report = { description: 'Health report', content: { [HEALTH_CONTENT_TYPE]: {} } }
  const detail = {
    tags: ['operations'],
    responses: {
      200: { ...report, description: '`pass` or `warn`: healthy' },
      503: { ...report, description: '`fail`: a critical check failed' },
    },
  }

  const app = new Elysia({ name: '@jackpot/observability/health' }).get(base, () => respond(), {
    detail: { ...detail, summary: 'Overall health (every check)' },
  })
  for (const kind of KINDS) {
    app.get(`${base}/${kind}`, () => respond({ kind }), { detail: { ...detail, summary: `${kind} checks` } })
  }
  for (const name of options.checks ?? []) {
    app.get(`${base}/${name}`, () => respond({ names: [name] }), {
      detail: { ...detail, summary: `Health of ${name}` },
    })
  }
  return app
}
