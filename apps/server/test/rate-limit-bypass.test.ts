import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type OpenedJackpot, openJackpot } from '@jackpot/domain'
import { createHarness, type Harness } from './support/harness.ts'

/**
 * The rate limit through the whole app (createApp's wiring of the limiter, the
 * auth plugin and the real store): the ways a client used to get a fresh
 * budget by changing a header.
 */
const LIMITS = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_PUBLIC: '2',
  RATE_LIMIT_GAME: '2',
  RATE_LIMIT_STAFF: '2',
  TRUST_PROXY: 'true',
  TRUST_PROXY_HOPS: '1',
}

let store: OpenedJackpot
let lookups = 0
beforeAll(async () => {
  store = await openJackpot({ pgliteDataDir: 'memory://', currency: 'EUR' })
})
afterAll(() => store.close())

/** The store with its API-key lookups (one database query each) counted. */
function countingStore(): OpenedJackpot {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'authenticateApiKey') {
        return (plaintext: string) => {
          lookups++
          return target.authenticateApiKey(plaintext)
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

async function harness(): Promise<Harness> {
  lookups = 0
  return createHarness({ env: LIMITS, store: countingStore() })
}

const contribution = { gameId: 'slots-1', wagerCents: 100, currency: 'EUR' }

describe('rate limits through the app', () => {
  test('RATE_LIMIT_PUBLIC=2 behind the edge: a spoofed X-Forwarded-For gets 200 200 429, not 200 200 200', async () => {
    const h = await harness()
    const statuses = []
    for (const spoofed of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
      // What the edge forwards: the client's own header, then the address the edge saw.
      const headers = { 'x-forwarded-for': `${spoofed}, 203.0.113.9` }
      statuses.push((await h.send('GET', '/api/v1/pools', { headers })).status)
    }
    expect(statuses).toEqual([200, 200, 429])
    await h.close()
  })

  test('forged API keys share the IP budget and past it reach no database lookup', async () => {
    const h = await harness()
    const statuses = []
    for (let i = 0; i < 5; i++) {
      const res = await h.send('POST', '/api/v1/contributions', {
        apiKey: `jk_live_forged_${i}`,
        idempotencyKey: `forged-${i}`,
        body: contribution,
        headers: { 'x-forwarded-for': '203.0.113.20' },
      })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([401, 401, 429, 429, 429])
    expect(lookups).toBe(2)
    await h.close()
  })

  test('a real key is limited per key, whichever IP it calls from', async () => {
    const h = await harness()
    const key = await h.gameKey('limit-per-key')
    const send = (ip: string, i: number) =>
      h.send('POST', '/api/v1/contributions', {
        apiKey: key,
        idempotencyKey: `per-key-${i}`,
        body: contribution,
        headers: { 'x-forwarded-for': ip },
      })
    expect((await send('203.0.113.30', 1)).status).toBe(201)
    expect((await send('203.0.113.31', 2)).status).toBe(201)
    expect((await send('203.0.113.32', 3)).status).toBe(429)
    await h.close()
  })

  test('a forged token gets no fresh budget per subject; a valid one is limited by its subject', async () => {
    const h = await harness()
    const edge = { 'x-forwarded-for': '203.0.113.40' }
    const forged = (sub: string) =>
      h.send('GET', '/api/v1/stats', { headers: { ...edge, authorization: `Bearer x.${sub}.y` } })
    expect([(await forged('a')).status, (await forged('b')).status, (await forged('c')).status]).toEqual([
      401, 401, 429,
    ])
    // Until the window slides, that IP is refused before any credential is checked, valid
    // or not: telling them apart would take the lookup the budget is there to bound.
    const viewer = h.token('viewer', 'ada')
    expect((await h.send('GET', '/api/v1/stats', { bearer: viewer, headers: edge })).status).toBe(429)
    // From other addresses the subject has its own budget, shared across them.
    const stats = (ip: string) =>
      h.send('GET', '/api/v1/stats', { bearer: viewer, headers: { 'x-forwarded-for': ip } })
    const statuses = [
      (await stats('203.0.113.41')).status,
      (await stats('203.0.113.42')).status,
      (await stats('203.0.113.43')).status,
    ]
    expect(statuses).toEqual([200, 200, 429])
    await h.close()
  })
})
