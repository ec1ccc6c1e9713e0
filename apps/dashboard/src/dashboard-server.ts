import type { DashboardConfig } from '@jackpot/config'
import { OPERATIONS } from '../../../loadtests/sla.ts'
import type { UiBundle } from './build-ui.ts'
import { MetricsSampler } from './metrics-sampler.ts'
import {
  alertmanagerAlerts,
  type DashboardAlert,
  type HealthBody,
  healthAlerts,
  PROMETHEUS_QUERIES,
  prometheusSeries,
} from './ops-sources.ts'

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

export interface DashboardOptions {
  config: DashboardConfig
  ui: UiBundle
  /** How the dashboard reaches the API, Prometheus and Alertmanager. Defaults to global fetch. */
  fetch?: Fetch
  /** Milliseconds between scrapes of the server's /metrics. Defaults to 5 000. */
  sampleIntervalMs?: number
}

/** Headers the browser may send on to the API through the proxy. */
const FORWARDED_HEADERS = ['authorization', 'accept', 'last-event-id', 'if-none-match'] as const
/** How long a token, once accepted by the API, is trusted for the dashboard's own routes. */
const TOKEN_TRUST_MS = 30_000

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const

/**
 * The dashboard's HTTP side: serves the bundled UI, proxies the read-only
 * jackpot API under `/api/` (same origin, so no CORS; the SSE pool stream
 * passes through unbuffered), and answers `/dash/*` with what the API does
 * not give a browser directly: the server's `/health`, figures from its
 * `/metrics`, chart series (Prometheus or its own samples) and alerts
 * (Alertmanager or the health warnings). `/dash/*` needs a viewer token the
 * API accepts.
 *
 * @example
 * const dashboard = createDashboard({ config: loadDashboardConfig(), ui: await buildUi() })
 * Bun.serve({ port: 3100, fetch: (request, server) => dashboard.handle(request, server) })
 */
export function createDashboard(options: DashboardOptions) {
  const { config, ui } = options
  const fetcher: Fetch = options.fetch ?? ((input, init) => fetch(input, init))
  const api = config.apiUrl
  const sampler = new MetricsSampler({
    scrape: async () => {
      const response = await fetcher(`${api}/metrics`, { signal: AbortSignal.timeout(3_000) })
      if (!response.ok) throw new Error(`/metrics answered ${response.status}`)
      return response.text()
    },
    ...(options.sampleIntervalMs === undefined ? {} : { intervalMs: options.sampleIntervalMs }),
  })
  sampler.start()
  const trusted = new Map<string, number>()
  let upSince: number | null = null

  const readHealth = async (): Promise<{ status: number; body: HealthBody } | null> => {
    try {
      const response = await fetcher(`${api}/health`, { signal: AbortSignal.timeout(2_000) })
      const body = (await response.json()) as HealthBody
      upSince ??= Date.now()
      return { status: response.status, body }
    } catch {
      upSince = null
      return null
    }
  }

  /** The token's role is checked by the API itself: a viewer route answers 200 only to viewer or higher. */
  const authorized = async (request: Request): Promise<boolean> => {
    const authorization = request.headers.get('authorization')
    if (!authorization?.startsWith('Bearer ')) return false
    const until = trusted.get(authorization)
    if (until !== undefined && until > Date.now()) return true
    try {
      const response = await fetcher(`${api}/api/v1/wins/recent?limit=1`, {
        headers: { authorization },
        signal: AbortSignal.timeout(3_000),
      })
      await response.body?.cancel()
      if (response.status !== 200) return false
    } catch {
      return false
    }
    if (trusted.size > 1_000) trusted.clear()
    trusted.set(authorization, Date.now() + TOKEN_TRUST_MS)
    return true
  }

  const dash = async (path: string): Promise<Response> => {
    switch (path) {
      case '/dash/health': {
        const health = await readHealth()
        if (health === null) return problem(502, 'The jackpot API does not answer.')
        return json({ httpStatus: health.status, upSince, health: health.body })
      }
      case '/dash/summary':
        return json({
          ...sampler.summary(),
          sla: Object.fromEntries(Object.entries(OPERATIONS).map(([name, sla]) => [name, sla.p95Ms])),
          sources: {
            prometheus: config.PROMETHEUS_URL !== undefined,
            alertmanager: config.ALERTMANAGER_URL !== undefined,
          },
        })
      case '/dash/series': {
        if (config.PROMETHEUS_URL !== undefined) {
          try {
            return json({
              source: 'prometheus',
              queries: PROMETHEUS_QUERIES,
              points: await prometheusSeries(fetcher, config.PROMETHEUS_URL),
            })
          } catch (error) {
            return json({
              source: 'server',
              error: `Prometheus unavailable: ${message(error)}`,
              points: sampler.points(),
            })
          }
        }
        return json({
          source: 'server',
          error:
            'PROMETHEUS_URL is not set: charts show the last 10 minutes sampled from the server’s /metrics.',
          points: sampler.points(),
        })
      }
      case '/dash/alerts': {
        if (config.ALERTMANAGER_URL !== undefined) {
          try {
            return json({
              source: 'alertmanager',
              alerts: await alertmanagerAlerts(fetcher, config.ALERTMANAGER_URL),
            })
          } catch (error) {
            return alertsFromHealth(`Alertmanager unavailable: ${message(error)}`)
          }
        }
        return alertsFromHealth('ALERTMANAGER_URL is not set: these are the server’s health warnings.')
      }
      default:
        return problem(404, 'No such dashboard route.')
    }
  }

  const alertsFromHealth = async (note: string): Promise<Response> => {
    const health = await readHealth()
    const alerts: DashboardAlert[] =
      health === null
        ? [
            {
              name: 'api-down',
              severity: 'critical',
              summary: 'The jackpot API does not answer.',
              since: null,
              source: 'health',
            },
          ]
        : healthAlerts(health.body)
    return json({ source: 'health', note, alerts })
  }

  const proxy = async (request: Request, url: URL, server: StreamServer | null): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return problem(405, 'The dashboard only reads the API.', { allow: 'GET, HEAD' })
    }
    const headers: Record<string, string> = {}
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers.get(name)
      if (value !== null) headers[name] = value
    }
    const streaming = url.pathname === '/api/v1/pools/stream'
    // Bun would close a quiet proxied stream after its idle timeout; the API's heartbeats are 15 s apart.
    if (streaming) server?.timeout?.(request, 0)
    let upstream: Response
    try {
      upstream = await fetcher(`${api}${url.pathname}${url.search}`, {
        method: request.method,
        headers,
        // A stream has no end to wait for; a plain read gets 5 s.
        signal: streaming ? request.signal : AbortSignal.any([request.signal, AbortSignal.timeout(5_000)]),
      })
    } catch {
      return problem(502, 'The jackpot API does not answer.')
    }
    const out = new Headers()
    for (const name of ['content-type', 'cache-control', 'etag', 'retry-after', 'www-authenticate']) {
      const value = upstream.headers.get(name)
      if (value !== null) out.set(name, value)
    }
    if (streaming) out.set('x-accel-buffering', 'no')
    const body = streaming && upstream.body ? endQuietly(upstream.body) : upstream.body
    return new Response(body, { status: upstream.status, headers: out })
  }

  return {
    /** Answers one request. */
    async handle(request: Request, server: StreamServer | null = null): Promise<Response> {
      const url = new URL(request.url)
      let response: Response
      if (url.pathname.startsWith('/api/')) {
        response = await proxy(request, url, server)
      } else if (url.pathname.startsWith('/dash/')) {
        response = (await authorized(request))
          ? await dash(url.pathname)
          : problem(401, 'Sign in with a viewer token.')
      } else {
        // Every other path is the single-page app (its views are client-side).
        const asset =
          ui.assets.get(url.pathname) ??
          (url.pathname.startsWith('/assets/') ? undefined : ui.assets.get('/'))
        if (asset === undefined) return problem(404, 'No such asset.')
        const gzip = (request.headers.get('accept-encoding') ?? '').includes('gzip')
        response = new Response(gzip ? asset.gzip : asset.body, {
          headers: {
            'content-type': asset.contentType,
            'cache-control': asset.path === '/' ? 'no-cache' : 'public, max-age=31536000, immutable',
            vary: 'Accept-Encoding',
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          },
        })
      }
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value)
      return response
    },
    close(): void {
      sampler.stop()
    },
  }
}

export type Dashboard = ReturnType<typeof createDashboard>

/** Bun's server, as far as the proxy uses it (per-request idle timeout). */
export interface StreamServer {
  timeout?: (request: Request, seconds: number) => void
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

function problem(status: number, detail: string, headers: Record<string, string> = {}): Response {
  const titles: Record<number, string> = {
    401: 'Authentication required',
    404: 'Not found',
    405: 'Method not allowed',
    502: 'Bad gateway',
  }
  return new Response(
    JSON.stringify({ type: 'about:blank', title: titles[status] ?? 'Error', status, detail }),
    {
      status,
      headers: { 'content-type': 'application/problem+json', ...headers },
    },
  )
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Passes a proxied stream through, ending it (rather than failing it) when the
 * API goes away mid-stream: the browser reconnects either way, and a dropped
 * upstream is expected, not an error worth a stack trace.
 */
function endQuietly(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch {
        controller.close()
      }
    },
    cancel: (reason) => reader.cancel(reason).catch(() => undefined),
  })
}
