import { createHash } from 'node:crypto'
import { Elysia } from 'elysia'
import { policyFor, type RateLimitGroups } from './rate-limit-groups.ts'
import type { RateLimitDecision, RateLimiter } from './rate-limiter.ts'

export interface RateLimitPluginOptions {
  limiter: RateLimiter
  groups: RateLimitGroups
  /** Take the client IP from X-Forwarded-For (only behind a trusted edge). Defaults to false. */
  trustProxy?: boolean
  /** Called for every decision, e.g. to count them. */
  onDecision?: (group: string, decision: RateLimitDecision) => void
}

/**
 * Limits requests per client before any handler runs, answering `429`
 * problem+json with `Retry-After`; every limited route also gets the
 * `RateLimit-*` headers so well-behaved clients can pace themselves.
 *
 * @example
 * app.use(rateLimit({ limiter: new MemoryRateLimiter(), groups: rateLimitGroupsFromConfig(config) }))
 */
export function rateLimit(options: RateLimitPluginOptions) {
  return new Elysia({ name: 'jackpot/rate-limit' }).onRequest(async ({ request, server, set }) => {
    const url = new URL(request.url)
    const policy = policyFor(request.method, url.pathname, options.groups)
    if (!policy) return

    const decision = await options.limiter.consume(
      clientKey(request, server, options.trustProxy ?? false),
      policy,
    )
    options.onDecision?.(policy.group, decision)

    const windowSeconds = Math.ceil(policy.windowMs / 1000)
    const headers: Record<string, string> = {
      'ratelimit-limit': String(decision.limit),
      'ratelimit-remaining': String(decision.remaining),
      'ratelimit-reset': String(Math.ceil((decision.retryAfterMs || policy.windowMs) / 1000)),
      'ratelimit-policy': `${decision.limit};w=${windowSeconds}`,
    }
    if (decision.allowed) {
      Object.assign(set.headers, headers)
      return
    }
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
    return new Response(
      JSON.stringify({
        type: 'https://jackpot.dev/problems/rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: `Limit of ${decision.limit} requests per ${windowSeconds}s reached for '${policy.group}' routes; retry in ${retryAfter}s.`,
        instance: url.pathname,
      }),
      {
        status: 429,
        headers: {
          ...headers,
          'content-type': 'application/problem+json',
          'retry-after': String(retryAfter),
        },
      },
    )
  })
}

interface RequestIpSource {
  requestIP?: (request: Request) => { address: string } | null
}

/**
 * A credential identifies a client better than an IP (many game servers share
 * a NAT), so keys and tokens win; only their hash is used, never the secret.
 */
function clientKey(request: Request, server: RequestIpSource | null, trustProxy: boolean): string {
  const credential = request.headers.get('x-api-key') ?? request.headers.get('authorization')
  if (credential) return `cred:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return `ip:${forwarded}`
  }
  return `ip:${server?.requestIP?.(request)?.address ?? 'unknown'}`
}
