import { describe, expect, test } from 'bun:test'
import type { ApiKey } from '@jackpot/domain'
import { Elysia } from 'elysia'
import { authPlugin } from '../auth/auth-plugin.ts'
import { createAuthenticator } from '../auth/authenticator.ts'
import { signJwt } from '../auth/jwt.ts'
import { errorHandler } from '../http/error-handler.ts'
import { MemoryRateLimiter } from './memory-rate-limiter.ts'
import { limitedAs, type RateLimitGroups } from './rate-limit-groups.ts'
import { pathOf, rateLimits } from './rate-limit-plugin.ts'
import type { RateLimiter } from './rate-limiter.ts'

const groups: RateLimitGroups = {
  game: { group: 'game', limit: 2, windowMs: 60_000, by: 'principal' },
  public: { group: 'public', limit: 2, windowMs: 60_000, by: 'ip' },
  staff: { group: 'staff', limit: 2, windowMs: 60_000, by: 'principal' },
}
const jwtKeys = [{ kid: 'k1', secret: 'plugin-test-secret-plugin-test-secret-0123' }]
const issuer = 'jackpot-platform'

/** A store that knows two API keys and counts every lookup (each one is a database query). */
function countingStore() {
  const known: Record<string, string> = { jk_live_alpha: 'key-alpha', jk_live_beta: 'key-beta' }
  const store = {
    lookups: 0,
    async authenticateApiKey(plaintext: string): Promise<ApiKey | null> {
      store.lookups++
      const id = known[plaintext]
      if (id === undefined) return null
      return {
        id,
        name: id,
        prefix: plaintext.slice(0, 8),
        role: 'game',
        createdAt: new Date(0),
        lastUsedAt: null,
        revokedAt: null,
        createdBy: 'test',
      }
    },
  }
  return store
}

function app(options: { trustedProxyHops?: number; limiter?: RateLimiter } = {}) {
  const store = countingStore()
  const limits = rateLimits({
    limiter: options.limiter ?? new MemoryRateLimiter(),
    groups,
    trustedProxyHops: options.trustedProxyHops ?? 0,
    routes: () => server.routes,
  })
  const auth = authPlugin(
    createAuthenticator({ apiKeys: store, jwtKeys, jwtIssuer: issuer, jwtAudience: 'jackpot-api' }),
    { onVerified: limits.verified },
  )
  const server = new Elysia()
    .use(errorHandler())
    .use(limits.plugin)
    .use(auth)
    .get('/api/v1/pools', () => ({ pools: [] }), { detail: { ...limitedAs('public'), summary: 'pools' } })
    .post('/api/v1/contributions', ({ principal }) => ({ by: principal.kind }), {
      auth: 'game',
      detail: { ...limitedAs('game'), summary: 'contribute' },
    })
    .get('/api/v1/stats', ({ principal }) => ({ by: principal.kind }), {
      auth: 'viewer',
      detail: { ...limitedAs('staff'), summary: 'stats' },
    })
    .get('/health/live', () => 'ok')
  return { server, store }
}

const request = (method: string, path: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, { method, headers })
const contribute = (headers: Record<string, string>) => request('POST', '/api/v1/contributions', headers)
const bearer = (sub: string, secret = jwtKeys[0]!.secret) =>
  `Bearer ${signJwt({ sub, role: 'viewer' }, { kid: 'k1', secret, issuer, ttlSeconds: 600 })}`

async function statuses(server: { handle(r: Request): Promise<Response> }, requests: Request[]) {
  const out: number[] = []
  for (const r of requests) out.push((await server.handle(r)).status)
  return out
}

describe('rate limits that no header can dodge', () => {
  test('behind one trusted proxy, a spoofed X-Forwarded-For entry does not buy a fresh budget', async () => {
    const { server } = app({ trustedProxyHops: 1 })
    // The client sends a new fake address each time; the edge appends the real one.
    const spoofed = [0, 1, 2].map((i) =>
      request('GET', '/api/v1/pools', { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.9` }),
    )
    expect(await statuses(server, spoofed)).toEqual([200, 200, 429])
    // Another real client behind the same edge has its own budget.
    expect(
      (await server.handle(request('GET', '/api/v1/pools', { 'x-forwarded-for': '203.0.113.10' }))).status,
    ).toBe(200)
  })

  test('without a trusted proxy, X-Forwarded-For is ignored altogether', async () => {
    const { server } = app()
    const spoofed = [0, 1, 2].map((i) =>
      request('GET', '/api/v1/pools', { 'x-forwarded-for': `198.51.100.${i}` }),
    )
    expect(await statuses(server, spoofed)).toEqual([200, 200, 429])
  })

  test('forged API keys share their IP budget, and past it cost no database lookup', async () => {
    const { server, store } = app()
    const forged = Array.from({ length: 6 }, (_, i) => contribute({ 'x-api-key': `jk_live_forged_${i}` }))
    expect(await statuses(server, forged)).toEqual([401, 401, 429, 429, 429, 429])
    expect(store.lookups).toBe(2)
  })

  test('forged bearer tokens share their IP budget too, whatever subject they claim', async () => {
    const { server } = app()
    const forged = ['ada', 'bob', 'eve', 'mallory'].map((sub) =>
      request('GET', '/api/v1/stats', {
        authorization: bearer(sub, 'not-the-server-secret-0123456789abcdef'),
      }),
    )
    expect(await statuses(server, forged)).toEqual([401, 401, 429, 429])
  })

  test('a verified API key is limited by its id, from whichever IP it calls', async () => {
    const { server } = app({ trustedProxyHops: 1 })
    const from = (ip: string) => contribute({ 'x-api-key': 'jk_live_alpha', 'x-forwarded-for': ip })
    expect(await statuses(server, [from('203.0.113.1'), from('203.0.113.2'), from('203.0.113.3')])).toEqual([
      200, 200, 429,
    ])
    // Another key has its own budget.
    expect((await server.handle(contribute({ 'x-api-key': 'jk_live_beta' }))).status).toBe(200)
  })

  test("verified requests do not spend their IP's budget: keys behind one NAT each get theirs, failures still count", async () => {
    const { server, store } = app()
    const alpha = contribute({ 'x-api-key': 'jk_live_alpha' })
    const beta = contribute({ 'x-api-key': 'jk_live_beta' })
    expect(await statuses(server, [alpha.clone(), alpha.clone(), beta.clone(), beta.clone()])).toEqual([
      200, 200, 200, 200,
    ])
    const forged = Array.from({ length: 3 }, () => contribute({ 'x-api-key': 'jk_live_nope' }))
    expect(await statuses(server, forged)).toEqual([401, 401, 429])
    expect(store.lookups).toBe(6)
  })

  test('a token is limited by its subject, whatever the token: a fresh token for the same subject shares it', async () => {
    const { server } = app()
    const stats = (sub: string) => request('GET', '/api/v1/stats', { authorization: bearer(sub) })
    expect(await statuses(server, [stats('ada'), stats('ada'), stats('ada'), stats('bob')])).toEqual([
      200, 200, 429, 200,
    ])
  })

  test("a principal's 429 is problem+json with Retry-After and the principal's RateLimit headers", async () => {
    const { server } = app()
    const key = { 'x-api-key': 'jk_live_alpha' }
    const first = await server.handle(contribute(key))
    expect(first.headers.get('ratelimit-remaining')).toBe('1')
    await server.handle(contribute(key))
    const limited = await server.handle(contribute(key))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('content-type')).toBe('application/problem+json')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(limited.headers.get('ratelimit-limit')).toBe('2')
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    expect(await limited.json()).toMatchObject({
      status: 429,
      type: 'https://jackpot.dev/problems/rate-limited',
      instance: '/api/v1/contributions',
    })
  })

  test('limits through an asynchronous (shared) limiter the same way', async () => {
    const memory = new MemoryRateLimiter()
    const { server, store } = app({
      limiter: { consume: (key, policy, refund) => memory.consume(key, policy, refund) },
    })
    const key = { 'x-api-key': 'jk_live_alpha' }
    expect(await statuses(server, [contribute(key), contribute(key), contribute(key)])).toEqual([
      200, 200, 429,
    ])
    const forged = Array.from({ length: 3 }, (_, i) => contribute({ 'x-api-key': `jk_live_forged_${i}` }))
    expect(await statuses(server, forged)).toEqual([401, 401, 429])
    expect(store.lookups).toBe(5)
  })
})

describe('rate limit plugin', () => {
  test('decides with an in-memory limiter without making the request asynchronous', async () => {
    // Elysia awaits a hook that looks asynchronous, and then every request returns a promise.
    const { server } = app()
    const response = server.fetch(request('GET', '/api/v1/pools'))
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).headers.get('ratelimit-remaining')).toBe('1')
  })

  test('answers 429 problem+json with Retry-After and RateLimit headers past an IP limit', async () => {
    const { server } = app()
    const first = await server.handle(request('GET', '/api/v1/pools'))
    expect(first.status).toBe(200)
    expect(first.headers.get('ratelimit-limit')).toBe('2')
    expect(first.headers.get('ratelimit-remaining')).toBe('1')
    await server.handle(request('GET', '/api/v1/pools'))

    const limited = await server.handle(request('GET', '/api/v1/pools'))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('content-type')).toBe('application/problem+json')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    expect(await limited.json()).toMatchObject({
      status: 429,
      type: 'https://jackpot.dev/problems/rate-limited',
    })
  })

  test('never limits health probes', async () => {
    const { server } = app()
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => server.handle(request('GET', '/health/live'))),
    )
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  })

  test('reads the path of a request URL without its query', () => {
    expect(pathOf('http://localhost/api/v1/pools?x=1')).toBe('/api/v1/pools')
    expect(pathOf('https://edge.example:8443/api/v1/pools/mega')).toBe('/api/v1/pools/mega')
    expect(pathOf('http://localhost')).toBe('/')
    expect(pathOf('http://localhost/?a=/b')).toBe('/')
  })
})
