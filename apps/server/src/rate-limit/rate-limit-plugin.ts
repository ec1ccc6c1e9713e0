import { createHash } from 'node:crypto'
import { Elysia } from 'elysia'
import { clientAddress } from './client-address.ts'
import { policyFor, type RateLimitGroups } from './rate-limit-groups.ts'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limiter.ts'

export interface RateLimitPluginOptions {
  limiter: RateLimiter
  groups: RateLimitGroups
  /**
   * Proxies in front of the server that append to X-Forwarded-For; the client IP is
   * read right to left through this many entries (see clientAddress). 0: the socket peer. Defaults to 0.
   */
  trustedProxyHops?: number
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
  const { limiter, groups, onDecision } = options
  const trustedHops = options.trustedProxyHops ?? 0
  // Every request under /api pays for this hook: no URL parsing, no promise when the
  // limiter decides in memory, header texts computed once per policy.
  const consumeSync = limiter.consumeSync?.bind(limiter)
  const texts = new Map<RateLimitPolicy, PolicyTexts>()
  const textsOf = (policy: RateLimitPolicy): PolicyTexts => {
    let found = texts.get(policy)
    if (found === undefined) {
      const windowSeconds = Math.ceil(policy.windowMs / 1000)
      found = {
        windowSeconds,
        limit: String(policy.limit),
        reset: String(windowSeconds),
        policy: `${policy.limit};w=${windowSeconds}`,
      }
      texts.set(policy, found)
    }
    return found
  }

  const decide = (
    decision: RateLimitDecision,
    policy: RateLimitPolicy,
    path: string,
    headers: Record<string, unknown>,
  ): Response | undefined => {
    onDecision?.(policy.group, decision)
    const text = textsOf(policy)
    const limit = decision.limit === policy.limit ? text.limit : String(decision.limit)
    const remaining = String(decision.remaining)
    const reset = decision.retryAfterMs > 0 ? String(Math.ceil(decision.retryAfterMs / 1000)) : text.reset
    const policyHeader =
      decision.limit === policy.limit ? text.policy : `${decision.limit};w=${text.windowSeconds}`
    if (decision.allowed) {
      headers['ratelimit-limit'] = limit
      headers['ratelimit-remaining'] = remaining
      headers['ratelimit-reset'] = reset
      headers['ratelimit-policy'] = policyHeader
      return undefined
    }
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
    return new Response(
      JSON.stringify({
        type: 'https://jackpot.dev/problems/rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: `Limit of ${decision.limit} requests per ${text.windowSeconds}s reached for '${policy.group}' routes; retry in ${retryAfter}s.`,
        instance: path,
      }),
      {
        status: 429,
        headers: {
          'ratelimit-limit': limit,
          'ratelimit-remaining': remaining,
          'ratelimit-reset': reset,
          'ratelimit-policy': policyHeader,
          'content-type': 'application/problem+json',
          'retry-after': String(retryAfter),
        },
      },
    )
  }

  type HookContext = {
    request: Request
    server: RequestIpSource | null
    set: { headers: Record<string, unknown> }
  }
  // Two hooks, one chosen here, because Elysia decides from a hook's source text whether
  // to `await` it, and one awaited hook makes every request's handling asynchronous (a
  // promise handed to Bun per request). The in-memory limiter's hook must therefore not
  // *look* asynchronous either: no `return f(...)` or `=> f(...)` in its text.
  const inMemory = ({ request, server, set }: HookContext): Response | undefined => {
    const path = pathOf(request.url)
    const policy = policyFor(request.method, path, groups)
    if (!policy) return undefined
    // biome-ignore lint/style/useConst: a `const` is folded into the `return` by Bun's transpiler, which Elysia would then read as asynchronous.
    let answer: Response | undefined
    answer = decide(consumeSync!(clientKey(request, server, trustedHops), policy), policy, path, set.headers)
    return answer
  }
  const shared = async ({ request, server, set }: HookContext): Promise<Response | undefined> => {
    const path = pathOf(request.url)
    const policy = policyFor(request.method, path, groups)
    if (!policy) return undefined
    const decision = await limiter.consume(clientKey(request, server, trustedHops), policy)
    return decide(decision, policy, path, set.headers)
  }
  return new Elysia({ name: 'jackpot/rate-limit' }).onRequest(consumeSync ? inMemory : shared)
}

/** The `RateLimit-*` headers that change from one request to the next (the others change with the policy). */
export const RATE_LIMIT_VOLATILE_HEADERS = ['ratelimit-remaining', 'ratelimit-reset'] as const

interface PolicyTexts {
  windowSeconds: number
  limit: string
  reset: string
  policy: string
}

/** The path of an absolute request URL (`http://host/path?query` → `/path`), without a URL object. */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const query = url.indexOf('?', start)
  return query === -1 ? url.slice(start) : url.slice(start, query)
}

interface RequestIpSource {
  requestIP?: (request: Request) => { address: string } | null
}

/**
 * A credential identifies a client better than an IP (many game servers share
 * a NAT), so keys and tokens win; only their hash is used, never the secret.
 */
function clientKey(request: Request, server: RequestIpSource | null, trustedHops: number): string {
  const credential = request.headers.get('x-api-key') ?? request.headers.get('authorization')
  if (credential) return `cred:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`
  const peer = server?.requestIP?.(request)?.address ?? 'unknown'
  return `ip:${clientAddress(request.headers.get('x-forwarded-for'), peer, trustedHops)}`
}
