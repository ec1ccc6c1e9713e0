import { describe, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { MemoryRateLimiter } from './memory-rate-limiter.ts'
import type { RateLimitGroups } from './rate-limit-groups.ts'
import { pathOf, rateLimit } from './rate-limit-plugin.ts'

const groups: RateLimitGroups = {
  game: { group: 'game', limit: 2, windowMs: 60_000 },
  public: { group: 'public', limit: 2, windowMs: 60_000 },
  staff: { group: 'staff', limit: 2, windowMs: 60_000 },
}

function app(trustedProxyHops = 0) {
  return new Elysia()
    .use(rateLimit({ limiter: new MemoryRateLimiter(), groups, trustedProxyHops }))
    .get('/api/v1/pools', () => ({ pools: [] }))
    .post('/api/v1/contributions', () => ({ ok: true }))
    .get('/health/live', () => 'ok')
}

const get = (path: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, { headers })

describe('rate limit plugin', () => {
  test('behind one trusted proxy, a client-chosen X-Forwarded-For entry does not buy a fresh budget', async () => {
    const server = app(1)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      // The client sends a new fake address each time; the edge appends the real one.
      const response = await server.handle(
        get('/api/v1/pools', { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.9` }),
      )
      statuses.push(response.status)
    }
    expect(statuses).toEqual([200, 200, 429])
  })

  test('decides with an in-memory limiter without making the request asynchronous', async () => {
    // Elysia awaits a hook that looks asynchronous, and then every request returns a promise.
    const response = app().fetch(get('/api/v1/pools'))
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).headers.get('ratelimit-remaining')).toBe('1')
  })

  test('answers 429 problem+json with Retry-After and RateLimit headers past the limit', async () => {
    const server = app()
    const first = await server.handle(get('/api/v1/pools'))
    expect(first.status).toBe(200)
    expect(first.headers.get('ratelimit-limit')).toBe('2')
    expect(first.headers.get('ratelimit-remaining')).toBe('1')
    await server.handle(get('/api/v1/pools'))

    const limited = await server.handle(get('/api/v1/pools'))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('content-type')).toBe('application/problem+json')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    const body = await limited.json()
    expect(body).toMatchObject({ status: 429, type: 'https://jackpot.dev/problems/rate-limited' })
  })

  test('counts each API key separately from anonymous clients', async () => {
    const server = app()
    const post = (key: string) =>
      server.handle(
        new Request('http://localhost/api/v1/contributions', {
          method: 'POST',
          headers: { 'x-api-key': key },
        }),
      )
    expect((await post('key-a')).status).toBe(200)
    expect((await post('key-a')).status).toBe(200)
    expect((await post('key-a')).status).toBe(429)
    expect((await post('key-b')).status).toBe(200)
  })

  test('never limits health probes', async () => {
    const server = app()
    const statuses = await Promise.all(Array.from({ length: 5 }, () => server.handle(get('/health/live'))))
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  })

  test('reads the path of a request URL without its query', () => {
    expect(pathOf('http://localhost/api/v1/pools?x=1')).toBe('/api/v1/pools')
    expect(pathOf('https://edge.example:8443/api/v1/pools/mega')).toBe('/api/v1/pools/mega')
    expect(pathOf('http://localhost')).toBe('/')
    expect(pathOf('http://localhost/?a=/b')).toBe('/')
  })

  test('limits through an asynchronous (shared) limiter the same way', async () => {
    const memory = new MemoryRateLimiter()
    const server = new Elysia()
      .use(rateLimit({ limiter: { consume: (key, policy) => memory.consume(key, policy) }, groups }))
      .get('/api/v1/pools', () => ({ pools: [] }))
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await server.handle(get('/api/v1/pools'))).status)
    expect(statuses).toEqual([200, 200, 429])
  })
})
