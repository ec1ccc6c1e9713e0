import type { Config } from '@jackpot/config'
import type { RateLimitPolicy } from './rate-limiter.ts'

/**
 * The budgets requests are limited under. Game traffic (contributions, wins) is
 * limited per verified API key, public pool reads per client IP, staff routes
 * per verified token subject; anonymous requests and failed authentications
 * count against the client IP in the route's group. Each route names its group
 * where it is defined ({@link limitedAs}); this file knows no paths.
 */
export interface RateLimitGroups {
  game: RateLimitPolicy
  public: RateLimitPolicy
  staff: RateLimitPolicy
}

export type RateLimitGroupName = keyof RateLimitGroups

export function rateLimitGroupsFromConfig(config: Config): RateLimitGroups {
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000
  return {
    game: { group: 'game', limit: config.RATE_LIMIT_GAME, windowMs, by: 'principal' },
    public: { group: 'public', limit: config.RATE_LIMIT_PUBLIC, windowMs, by: 'ip' },
    staff: { group: 'staff', limit: config.RATE_LIMIT_STAFF, windowMs, by: 'principal' },
  }
}

/** The OpenAPI extension a route's `detail` carries its group in (also documents it). */
export const RATE_LIMIT_GROUP_FIELD = 'x-rate-limit-group'

/**
 * Spread into a route's `detail` to name the budget it is limited under.
 *
 * @example
 * .post('/wins', handler, { detail: { ...limitedAs('game'), summary: 'Record a jackpot win' } })
 */
export function limitedAs(group: RateLimitGroupName): { [RATE_LIMIT_GROUP_FIELD]: RateLimitGroupName } {
  return { [RATE_LIMIT_GROUP_FIELD]: group }
}

/** What the table needs of a route: Elysia's `app.routes` entries satisfy it. */
export interface DeclaredRoute {
  method: string
  path: string
  hooks?: { detail?: unknown } | undefined
}

/** The group a route declared, if any. */
export function declaredGroupOf(route: DeclaredRoute): RateLimitGroupName | undefined {
  const detail = route.hooks?.detail as Record<string, unknown> | undefined
  const group = detail?.[RATE_LIMIT_GROUP_FIELD]
  return group === 'game' || group === 'public' || group === 'staff' ? group : undefined
}

/** Which policy a request falls under, from the groups its routes declared. */
export type PolicyLookup = (method: string, path: string) => RateLimitPolicy | null

/**
 * Compiles the routes' declared groups into a lookup: exact paths by map,
 * parameterised ones (`:slug`) by pattern. Paths outside `/api/` (health,
 * metrics, docs) are never limited: an orchestrator's probes must not be
 * throttled. An `/api/` path no route matches (a 404 in the making) counts as
 * staff, so scanning for routes still costs budget.
 */
export function policyLookup(routes: readonly DeclaredRoute[], groups: RateLimitGroups): PolicyLookup {
  const exact = new Map<string, RateLimitPolicy>()
  const patterns: { method: string; pattern: RegExp; policy: RateLimitPolicy }[] = []
  for (const route of routes) {
    const group = declaredGroupOf(route)
    if (group === undefined) continue
    const policy = groups[group]
    if (!route.path.includes(':') && !route.path.includes('*')) {
      exact.set(`${route.method} ${route.path}`, policy)
    } else {
      const source = route.path
        .split('/')
        .map((part) =>
          part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/')
      patterns.push({ method: route.method, pattern: new RegExp(`^${source}$`), policy })
    }
  }
  return (method, path) => {
    if (!path.startsWith('/api/')) return null
    // A HEAD is answered by the GET route of the same path.
    const routeMethod = method === 'HEAD' ? 'GET' : method
    const found = exact.get(`${routeMethod} ${path}`)
    if (found !== undefined) return found
    for (const candidate of patterns) {
      if (candidate.method === routeMethod && candidate.pattern.test(path)) return candidate.policy
    }
    return groups.staff
  }
}
