import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { type RunningEdge, startEdge } from './start-edge.ts'

// End-to-end: real nginx (Debian package) in front of two stub origins that
// answer like the server's pool route, so the edge config is proven on its own.
const nginxInstalled = existsSync('/usr/sbin/nginx')

describe('nginx edge (end-to-end)', () => {
  const hits = { a: 0, b: 0 }
  let amount = 100
  let failing = false
  const origins = (['a', 'b'] as const).map((name) =>
    Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(request) {
        const url = new URL(request.url)
        if (url.pathname === '/api/v1/pools') {
          hits[name]++
          if (failing) return new Response('down', { status: 503 })
          return Response.json(
            { pools: [{ slug: 'minor', amountCents: amount }], servedBy: name },
            {
              headers: {
                'cache-control': 'public, max-age=1, s-maxage=1, stale-while-revalidate=5, stale-if-error=60',
              },
            },
          )
        }
        return Response.json({ servedBy: name, path: url.pathname })
      },
    }),
  )
  let edge: RunningEdge

  beforeAll(async () => {
    if (!nginxInstalled)
      throw new Error('nginx is not installed (apt-get install nginx); .ci/run installs it')
    edge = await startEdge({
      upstreams: origins.map((o) => `127.0.0.1:${o.port}`),
      port: 18_000 + (process.pid % 1000),
    })
  })
  afterAll(async () => {
    await edge?.stop()
    for (const origin of origins) origin.stop(true)
  })

  test('serves repeated pool reads from its cache and says so in X-Cache-Status', async () => {
    const statuses: string[] = []
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${edge.url}/api/v1/pools`)
      expect(response.status).toBe(200)
      statuses.push(response.headers.get('x-cache-status') ?? '')
    }
    expect(statuses[0]).toBe('MISS')
    expect(statuses.slice(1).every((s) => s === 'HIT')).toBe(true)
    expect(hits.a + hits.b).toBe(1)
  })

  test('refills an expired entry with one origin request however many readers arrive at once', async () => {
    // nginx keeps validity in whole seconds, so s-maxage=1 lasts up to 2 s.
    await Bun.sleep(2100)
    const before = hits.a + hits.b
    amount = 250
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${edge.url}/api/v1/pools`)))
    expect(responses.every((r) => r.status === 200)).toBe(true)
    await Bun.sleep(200) // let the background refresh land
    expect(hits.a + hits.b - before).toBe(1)
    const fresh = await fetch(`${edge.url}/api/v1/pools`).then((r) => r.json())
    expect(fresh.pools[0].amountCents).toBe(250)
  })

  test('balances uncached routes across both replicas', async () => {
    const servedBy = new Set<string>()
    for (let i = 0; i < 10; i++) {
      const body = await fetch(`${edge.url}/api/v1/stats`).then((r) => r.json())
      servedBy.add(body.servedBy)
    }
    expect([...servedBy].sort()).toEqual(['a', 'b'])
  })

  test('serves the last good pool read when every origin fails (stale-if-error)', async () => {
    failing = true
    await Bun.sleep(2100)
    const response = await fetch(`${edge.url}/api/v1/pools`)
    expect(response.status).toBe(200)
    expect(['STALE', 'UPDATING']).toContain(response.headers.get('x-cache-status') ?? '')
    failing = false
  })

  test('hides /metrics and the detailed health reports, and forwards liveness', async () => {
    for (const path of ['/metrics', '/health', '/health/ready', '/health/database', '/health/jackpot']) {
      const response = await fetch(`${edge.url}${path}`)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
    const live = await fetch(`${edge.url}/health/live`)
    expect(live.status).toBe(200)
    expect(((await live.json()) as { path: string }).path).toBe('/health/live')
  })

  test('answers an oversized body itself with a problem+json 413 at the server limit', async () => {
    const response = await fetch(`${edge.url}/api/v1/contributions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(70_000),
    })
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({
      type: 'https://jackpot.dev/problems/payload-too-large',
      status: 413,
    })
  })
})
