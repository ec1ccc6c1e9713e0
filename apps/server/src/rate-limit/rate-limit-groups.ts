import type { Config } from '@jackpot/config'
import type { RateLimitPolicy } from './rate-limiter.ts'

/**
 * Which policy a request falls under. Game traffic (contributions, wins) is
 * limited per verified API key, public pool reads per client IP, everything
 * else under /api/v1 per verified token subject; anonymous requests and failed
 * authentications count against the client IP in the route's group. Health, metrics and docs are never limited: an
 * orchestrator's probes must not be throttled.
 */
export interface RateLimitGroups {
  game: RateLimitPolicy
  public: RateLimitPolicy
  staff: RateLimitPolicy
}

export function rateLimitGroupsFromConfig(config: Config): RateLimitGroups {
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000
  return {
    game: { group: 'game', limit: config.RATE_LIMIT_GAME, windowMs, by: 'principal' },
    public: { group: 'public', limit: config.RATE_LIMIT_PUBLIC, windowMs, by: 'ip' },
    staff: { group: 'staff', limit: config.RATE_LIMIT_STAFF, windowMs, by: 'principal' },
  }
}

export function policyFor(method: string, path: string, groups: RateLimitGroups): RateLimitPolicy | null {
  if (!path.startsWith('/api/')) return null
  if (method === 'POST' && (path === '/api/v1/contributions' || path === '/api/v1/wins')) return groups.game
  if ((method === 'GET' || method === 'HEAD') && path.startsWith('/api/v1/pools')) return groups.public
  return groups.staff
}
