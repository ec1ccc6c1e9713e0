import { createHash } from 'node:crypto'
import { Elysia } from 'elysia'
import type { Principal } from '../auth/principal.ts'
import { clientIp, type RequestIpSource } from '../http/client-ip.ts'
import { HttpProblem, type Problem, problem } from '../http/problem.ts'
import {
  type DeclaredRoute,
  type PolicyLookup,
  policyLookup,
  type RateLimitGroups,
} from './rate-limit-groups.ts'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limiter.ts'

export interface RateLimitPluginOptions {
  limiter: RateLimiter
  groups: RateLimitGroups
  /**
   * The app's routes (Elysia's `app.routes`), read once at the first request: each
   * declares its group in its `detail` (`limitedAs`).
   */
  routes: () => readonly DeclaredRoute[]
  /**
   * Proxies in front of the server that append to X-Forwarded-For; the client IP is
   * read right to left through this many entries (see clientAddress). 0: the socket peer. Defaults to 0.
   */
  trustedProxyHops?: number
  /** Called for every final decision, e.g. to count them. */
  onDecision?: (group: string, decision: RateLimitDecision) => void
}

/** The two halves of the rate limit: before any handler (by IP), and after authentication (by principal). */
export type RateLimits = ReturnType<typeof rateLimits>

/** What the IP charge of a request on a per-principal route left for {@link RateLimits.verified}. */
interface Reservation {
  key: string
  policy: RateLimitPolicy
  decision: RateLimitDecision
  path: string
}

/**
 * Limits requests per client so that no header buys a fresh budget:
 *
 * - every limited request is first charged to its client IP (`X-Forwarded-For`
 *   read right to left through `trustedProxyHops`), before any credential is
 *   looked at; past the IP budget it is refused with no database lookup;
 * - on routes limited per principal (game, staff), once the auth plugin has
 *   verified the credential, that charge moves to the principal (API key id,
 *   token subject) — see {@link RateLimits.verified}. A request whose credential
 *   fails keeps its IP charge, so forged keys and tokens share the IP's budget.
 *
 * Refusals are `429` problem+json with `Retry-After`; every limited response
 * carries the `RateLimit-*` headers of the budget that decided.
 *
 * @example
 * const limits = rateLimits({ limiter, groups: rateLimitGroupsFromConfig(config), routes: () => api.routes })
 * app.use(limits.plugin).use(authPlugin(authenticator, { onVerified: limits.verified }))
 */
export function rateLimits(options: RateLimitPluginOptions) {
  const { limiter, groups, onDecision } = options
  let lookup: PolicyLookup | undefined
  const policyFor = (method: string, path: string) => {
    lookup ??= policyLookup(options.routes(), groups)
    return lookup(method, path)
  }
  const trustedHops = options.trustedProxyHops ?? 0
  const reservations = new WeakMap<Request, Reservation>()
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

  /** Writes the RateLimit-* headers; returns the refusal when the decision is one. */
  const decide = (
    decision: RateLimitDecision,
    policy: RateLimitPolicy,
    path: string,
    headers: Record<string, unknown>,
  ): Refusal | undefined => {
    const text = textsOf(policy)
    headers['ratelimit-limit'] = decision.limit === policy.limit ? text.limit : String(decision.limit)
    headers['ratelimit-remaining'] = String(decision.remaining)
    headers['ratelimit-reset'] =
      decision.retryAfterMs > 0 ? String(Math.ceil(decision.retryAfterMs / 1000)) : text.reset
    headers['ratelimit-policy'] =
      decision.limit === policy.limit ? text.policy : `${decision.limit};w=${text.windowSeconds}`
    if (decision.allowed) return undefined
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
    return {
      body: problem('rate-limited', {
        detail: `Limit of ${decision.limit} requests per ${text.windowSeconds}s reached for '${policy.group}' routes; retry in ${retryAfter}s.`,
        instance: path,
      }),
      headers: {
        'ratelimit-limit': headers['ratelimit-limit'] as string,
        'ratelimit-remaining': headers['ratelimit-remaining'] as string,
        'ratelimit-reset': headers['ratelimit-reset'] as string,
        'ratelimit-policy': headers['ratelimit-policy'] as string,
        'retry-after': String(retryAfter),
      },
    }
  }

  /** The IP charge: final on per-IP routes, a reservation on per-principal ones. */
  const byIp = (
    request: Request,
    policy: RateLimitPolicy,
    path: string,
    decision: RateLimitDecision,
    headers: Record<string, unknown>,
    key: string,
  ): Response | undefined => {
    const refusal = decide(decision, policy, path, headers)
    // An allowed reservation is reported once it is settled (as the principal's decision).
    if (policy.by !== 'principal' || refusal) onDecision?.(policy.group, decision)
    else reservations.set(request, { key, policy, decision, path })
    return refusal && responseOf(refusal)
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
    const policy = policyFor(request.method, path)
    if (!policy) return undefined
    const key = ipKey(clientIp(request, server, trustedHops))
    // biome-ignore lint/style/useConst: a `const` is folded into the `return` by Bun's transpiler, which Elysia would then read as asynchronous.
    let answer: Response | undefined
    answer = byIp(request, policy, path, consumeSync!(key, policy), set.headers, key)
    return answer
  }
  const shared = async ({ request, server, set }: HookContext): Promise<Response | undefined> => {
    const path = pathOf(request.url)
    const policy = policyFor(request.method, path)
    if (!policy) return undefined
    const key = ipKey(clientIp(request, server, trustedHops))
    const decision = await limiter.consume(key, policy)
    return byIp(request, policy, path, decision, set.headers, key)
  }

  const settle = (
    reservation: Reservation,
    decision: RateLimitDecision,
    headers: Record<string, unknown>,
  ) => {
    onDecision?.(reservation.policy.group, decision)
    const refusal = decide(decision, reservation.policy, reservation.path, headers)
    if (refusal) throw new HttpProblem(refusal.body, refusal.headers)
  }

  return {
    /** Elysia plugin: charges every limited request to its client IP before any handler runs; `429` past it. */
    plugin: new Elysia({ name: 'jackpot/rate-limit' }).onRequest(consumeSync ? inMemory : shared),
    /**
     * For the auth plugin, once a credential is verified: the request's IP charge is
     * given back and the principal is charged instead, in one limiter call.
     * Synchronous (returns undefined) with an in-memory limiter.
     *
     * @throws HttpProblem 429 when the principal is past its limit.
     */
    verified(
      request: Request,
      principal: Principal,
      headers: Record<string, unknown>,
    ): undefined | Promise<void> {
      const reservation = reservations.get(request)
      if (reservation === undefined) return undefined
      reservations.delete(request)
      const { decision, policy } = reservation
      const refund = { key: reservation.key, window: decision.window, source: decision.source }
      const key = principalKey(principal)
      if (consumeSync) {
        settle(reservation, consumeSync(key, policy, refund), headers)
        return undefined
      }
      return limiter.consume(key, policy, refund).then((settled) => settle(reservation, settled, headers))
    },
  }
}

/** The `RateLimit-*` headers that change from one request to the next (the others change with the policy). */
export const RATE_LIMIT_VOLATILE_HEADERS = ['ratelimit-remaining', 'ratelimit-reset'] as const

interface PolicyTexts {
  windowSeconds: number
  limit: string
  reset: string
  policy: string
}

interface Refusal {
  body: Problem
  headers: Record<string, string>
}

function responseOf(refusal: Refusal): Response {
  return new Response(JSON.stringify(refusal.body), {
    status: 429,
    headers: { ...refusal.headers, 'content-type': 'application/problem+json' },
  })
}

/** The path of an absolute request URL (`http://host/path?query` → `/path`), without a URL object. */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const query = url.indexOf('?', start)
  return query === -1 ? url.slice(start) : url.slice(start, query)
}

function ipKey(address: string): string {
  return `ip:${address}`
}

/**
 * The verified principal's key. Token subjects are the caller's text, so a long
 * one is hashed to keep every key small.
 */
export function principalKey(principal: Principal): string {
  if (principal.kind === 'api-key') return `key:${principal.keyId}`
  return principal.sub.length <= 64
    ? `sub:${principal.sub}`
    : `sub#${createHash('sha256').update(principal.sub).digest('base64url').slice(0, 22)}`
}
