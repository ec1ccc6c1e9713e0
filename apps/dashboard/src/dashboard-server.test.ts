import { afterAll, describe, expect, test } from 'bun:test'
import { loadDashboardConfig } from '@jackpot/config'
import type { UiBundle } from './build-ui.ts'
import { createDashboard } from './dashboard-server.ts'

const GOOD = 'Bearer good-viewer-token'
const html = new TextEncoder().encode('<!doctype html><title>t</title>')
const ui: UiBundle = {
  assets: new Map([
    ['/', { path: '/', contentType: 'text/html; charset=utf-8', body: html, gzip: Bun.gzipSync(html) }],
  ]),
  scriptBytes: { raw: 0, gzip: 0 },
}

/** A stand-in API: accepts one token on viewer routes, and can go down. */
const calls: string[] = []
let apiUp = true
const fakeApi = async (url: string, init?: RequestInit) => {
  calls.push(url)
  if (!apiUp) throw new TypeError('connection refused')
  const path = new URL(url).pathname
  const authorization = new Headers(init?.headers).get('authorization')
  if (path === '/api/v1/wins/recent') {
    return authorization === GOOD
      ? Response.json({ wins: [], nextCursor: null })
      : new Response(null, { status: 401 })
  }
  if (path === '/health')
    return Response.json({ status: 'warn', checks: { cache: [{ status: 'warn', output: 'Redis down' }] } })
  if (path === '/metrics') return new Response('')
  return Response.json({ path, authorization })
}

const dashboard = createDashboard({
  config: loadDashboardConfig({ JACKPOT_API_URL: 'http://api.test:3000' }),
  ui,
  fetch: fakeApi,
  sampleIntervalMs: 60_000,
})
afterAll(() => dashboard.close())

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  dashboard.handle(new Request(`http://dash.test${path}`, { method, headers }))

describe('dashboard server', () => {
  test('serves the single-page app, gzipped on request, under a same-origin CSP', async () => {
    for (const path of ['/', '/anything/else']) {
      const response = await get(path, { 'accept-encoding': 'gzip' })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-encoding')).toBe('gzip')
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'")
    }
    expect((await get('/assets/missing.js')).status).toBe(404)
  })

  test('proxies API reads with the caller’s token, and refuses writes', async () => {
    const response = await get('/api/v1/stats?x=1', { authorization: GOOD })
    expect(await response.json()).toEqual({ path: '/api/v1/stats', authorization: GOOD })
    const write = await get('/api/v1/contributions', { authorization: GOOD }, 'POST')
    expect(write.status).toBe(405)
    expect(write.headers.get('allow')).toBe('GET, HEAD')
  })

  test('answers /dash routes only to a token the API accepts', async () => {
    expect((await get('/dash/health')).status).toBe(401)
    expect((await get('/dash/health', { authorization: 'Bearer forged' })).status).toBe(401)
    const health = await get('/dash/health', { authorization: GOOD })
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ httpStatus: 200, health: { status: 'warn' } })
  })

  test('lists the health warnings as alerts without Alertmanager, and says charts come from /metrics without Prometheus', async () => {
    const alerts = (await (await get('/dash/alerts', { authorization: GOOD })).json()) as {
      source: string
      alerts: { name: string }[]
    }
    expect(alerts.source).toBe('health')
    expect(alerts.alerts.map((a) => a.name)).toEqual(['cache'])
    const series = (await (await get('/dash/series', { authorization: GOOD })).json()) as {
      source: string
      error: string
    }
    expect(series.source).toBe('server')
    expect(series.error).toContain('PROMETHEUS_URL is not set')
  })

  test('answers 502 problem+json while the API is down', async () => {
    apiUp = false
    try {
      const response = await get('/api/v1/pools')
      expect(response.status).toBe(502)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    } finally {
      apiUp = true
    }
  })
})
