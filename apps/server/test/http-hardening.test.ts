import { afterAll, describe, expect, test } from 'bun:test'
import { DatabaseUnavailableError, type JackpotStore } from '@jackpot/domain'
import { createHarness, type Harness } from './support/harness.ts'

const h = await createHarness({ env: { CORS_ORIGINS: 'https://play.example,https://ops.example' } })
afterAll(() => h.close())

/** The real store with one method replaced by a fault, to see what leaves the server. */
async function withFault(method: 'stats' | 'listPools', error: Error): Promise<Harness> {
  const store = h.store
  const faulty = new Proxy(store, {
    get(target, property) {
      if (property === method) return () => Promise.reject(error)
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) satisfies JackpotStore
  return createHarness({ store: faulty })
}

describe('security headers', () => {
  test('sets hardening headers on successes and on errors', async () => {
    for (const path of ['/api/v1/pools', '/api/v1/pools/giga', '/nope']) {
      const res = await h.send('GET', path)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    }
  })

  test('gives the docs page a CSP that allows only its own scripts', async () => {
    const res = await h.send('GET', '/swagger')
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self' 'unsafe-inline'")
    expect(csp).not.toContain('http')
  })
})

describe('CORS', () => {
  test('allows configured origins and exposes the replay and cache headers', async () => {
    const res = await h.send('GET', '/api/v1/pools', { headers: { origin: 'https://play.example' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://play.example')
    expect(res.headers.get('access-control-expose-headers')).toContain('Idempotency-Replayed')
    expect(res.headers.get('vary')).toContain('Origin')
  })

  test('answers a preflight from an allowed origin with the allowed methods and headers', async () => {
    const res = await h.send('OPTIONS', '/api/v1/contributions', {
      headers: { origin: 'https://ops.example', 'access-control-request-method': 'POST' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://ops.example')
    expect(res.headers.get('access-control-allow-headers')).toContain('Idempotency-Key')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
  })

  test('gives other origins no CORS headers', async () => {
    const res = await h.send('GET', '/api/v1/pools', { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('failures', () => {
  test('answers an unexpected error with a bare 500 problem: no message, no stack', async () => {
    const faulty = await withFault(
      'stats',
      new Error('connect ECONNREFUSED postgres://admin:hunter2@db:5432'),
    )
    const res = await faulty.send('GET', '/api/v1/stats', { bearer: faulty.token('viewer') })
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.body).toEqual({
      type: 'https://jackpot.dev/problems/internal',
      title: 'Internal server error',
      status: 500,
      detail: 'The server failed to handle this request.',
      instance: '/api/v1/stats',
    })
    expect(res.text).not.toContain('hunter2')
  })

  test('answers 503 with Retry-After when the database is unavailable', async () => {
    const faulty = await withFault(
      'listPools',
      new DatabaseUnavailableError('database unreachable', { cause: new Error('ECONNREFUSED 10.0.0.5') }),
    )
    const res = await faulty.send('GET', '/api/v1/pools')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('5')
    expect(res.body).toMatchObject({ type: 'https://jackpot.dev/problems/service-unavailable', status: 503 })
    expect(res.text).not.toContain('10.0.0.5')
  })

  test('answers an unknown route with 404 problem+json', async () => {
    const res = await h.send('GET', '/api/v2/pools')
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({
      type: 'https://jackpot.dev/problems/not-found',
      instance: '/api/v2/pools',
    })
  })
})
