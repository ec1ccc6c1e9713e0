import { afterAll, describe, expect, test } from 'bun:test'
import type { PoolView } from '../src/views/pool-view.ts'
import { createHarness } from './support/harness.ts'
import { eventsOf } from './support/sse-client.ts'

// The pool stream through the whole app (app.handle, no socket): the events a
// browser's EventSource would see.

const h = await createHarness({ env: { POOL_STREAM_MAX_PER_IP: '2', TRUST_PROXY: 'true' } })
afterAll(() => h.close())

const open = (ip: string, headers: Record<string, string> = {}) =>
  h.app.handle(
    new Request('http://localhost/api/v1/pools/stream', { headers: { 'x-forwarded-for': ip, ...headers } }),
  )

const contribute = async (key: string, idempotencyKey: string) => {
  const res = await h.send('POST', '/api/v1/contributions', {
    apiKey: key,
    idempotencyKey,
    body: { gameId: 'stream-test', wagerCents: 10_000, currency: 'EUR' },
  })
  expect(res.status).toBe(201)
}

describe('GET /api/v1/pools/stream', () => {
  test('opens an uncached event stream whose first event is every pool, as GET /api/v1/pools serves them', async () => {
    const response = await open('203.0.113.1')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    const stream = eventsOf(response)
    const first = await stream.nth(0)
    const pools = await h.send<{ pools: PoolView[] }>('GET', '/api/v1/pools')
    expect(first.event).toBe('pools')
    expect(first.data).toBe(pools.text)
    expect(first.id).toBeGreaterThan(0)
    await stream.close()
  })

  test('sends the new state after a contribution, with a higher event id', async () => {
    const stream = eventsOf(await open('203.0.113.2'))
    const first = await stream.nth(0)
    await contribute(await h.gameKey(), 'stream-change-1')
    const next = await stream.nth(1)
    expect(next.id).toBeGreaterThan(first.id)
    const mega = (data: string) =>
      (JSON.parse(data) as { pools: PoolView[] }).pools.find((p) => p.slug === 'mega')!.amountCents
    expect(mega(next.data)).toBe(mega(first.data) + 25)
    expect(next.data).toBe((await h.send('GET', '/api/v1/pools')).text)
    await stream.close()
  })

  test('resumes with Last-Event-ID: a client that missed changes gets the current state at once', async () => {
    const stream = eventsOf(await open('203.0.113.3'))
    const seen = await stream.nth(0)
    await stream.close()
    await contribute(await h.gameKey(), 'stream-resume-1')

    const resumed = eventsOf(await open('203.0.113.3', { 'last-event-id': String(seen.id) }))
    const caughtUp = await resumed.nth(0)
    expect(caughtUp.id).toBeGreaterThan(seen.id)
    expect(caughtUp.data).toBe((await h.send('GET', '/api/v1/pools')).text)
    await resumed.close()
  })

  test('answers 429 problem+json to a client holding its limit of streams, and lets it in again once one closes', async () => {
    const a = eventsOf(await open('203.0.113.4'))
    const b = eventsOf(await open('203.0.113.4'))
    await Promise.all([a.nth(0), b.nth(0)])
    const refused = await open('203.0.113.4')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(await refused.json()).toMatchObject({
      type: 'https://jackpot.dev/problems/rate-limited',
      status: 429,
      instance: '/api/v1/pools/stream',
    })

    await a.close()
    const again = await open('203.0.113.4')
    expect(again.status).toBe(200)
    await eventsOf(again).close()
    await b.close()
  })

  test('counts the open streams on the jackpot_pool_stream_subscribers gauge', async () => {
    const gauge = async () => {
      const text = (await h.send('GET', '/metrics')).text
      return Number(text.match(/^jackpot_pool_stream_subscribers(?:\{[^}]*\})? (\d+)/m)?.[1])
    }
    const before = await gauge()
    const stream = eventsOf(await open('203.0.113.5'))
    await stream.nth(0)
    expect(await gauge()).toBe(before + 1)
    await stream.close()
    expect(await gauge()).toBe(before)
  })
})
