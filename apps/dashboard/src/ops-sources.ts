import type { Operation } from '../../../loadtests/sla.ts'
import type { MetricsPoint } from './metrics-sampler.ts'

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

/** The recording rules of ops/prometheus the charts read (the same series Grafana shows). */
export const PROMETHEUS_QUERIES = {
  requestsPerSecond: 'sum(instance:http_server_requests:rate5m)',
  errorRate: 'max(instance:http_server_requests:error_ratio_rate5m)',
  p95Seconds: 'max by (operation) (operation:http_server_request_duration_seconds:p95_rate5m)',
} as const

interface RangeResult {
  metric: Record<string, string>
  values: [number, string][]
}

/**
 * The last `minutes` of the charts' series from Prometheus's HTTP API
 * (`/api/v1/query_range`), one point per `stepSeconds`, in the shape of
 * the server-sampled points.
 *
 * @example
 * const points = await prometheusSeries(fetch, 'http://prometheus:9090')
 */
export async function prometheusSeries(
  fetcher: Fetch,
  baseUrl: string,
  { minutes = 30, stepSeconds = 15, now = Date.now() } = {},
): Promise<MetricsPoint[]> {
  const end = Math.floor(now / 1000)
  const range = async (query: string): Promise<RangeResult[]> => {
    const params = new URLSearchParams({
      query,
      start: String(end - minutes * 60),
      end: String(end),
      step: String(stepSeconds),
    })
    const response = await fetcher(`${baseUrl}/api/v1/query_range?${params}`, {
      signal: AbortSignal.timeout(3_000),
    })
    const body = (await response.json()) as {
      status: string
      error?: string
      data?: { result: RangeResult[] }
    }
    if (body.status !== 'success' || !body.data)
      throw new Error(`Prometheus: ${body.error ?? response.status}`)
    return body.data.result
  }
  const [rps, errors, p95] = await Promise.all([
    range(PROMETHEUS_QUERIES.requestsPerSecond),
    range(PROMETHEUS_QUERIES.errorRate),
    range(PROMETHEUS_QUERIES.p95Seconds),
  ])
  const points = new Map<number, MetricsPoint>()
  const at = (seconds: number) => {
    let point = points.get(seconds)
    if (!point) {
      point = {
        at: seconds * 1000,
        requestsPerSecond: null,
        errorRate: null,
        p95Ms: { contribution: null, win: null, pool_query: null },
      }
      points.set(seconds, point)
    }
    return point
  }
  const number = (text: string) => (Number.isFinite(Number(text)) ? Number(text) : null)
  for (const [t, v] of rps[0]?.values ?? []) at(t).requestsPerSecond = number(v)
  for (const [t, v] of errors[0]?.values ?? []) at(t).errorRate = number(v)
  for (const series of p95) {
    const operation = series.metric.operation as Operation | undefined
    if (operation !== 'contribution' && operation !== 'win' && operation !== 'pool_query') continue
    for (const [t, v] of series.values) {
      const seconds = number(v)
      at(t).p95Ms[operation] = seconds === null ? null : seconds * 1000
    }
  }
  return [...points.values()].sort((a, b) => a.at - b.at)
}

/** An alert as the dashboard lists it. */
export interface DashboardAlert {
  name: string
  severity: string
  summary: string
  since: string | null
  source: 'alertmanager' | 'health'
}

/**
 * Active alerts from Alertmanager's API v2.
 *
 * @example
 * const alerts = await alertmanagerAlerts(fetch, 'http://alertmanager:9093')
 */
export async function alertmanagerAlerts(fetcher: Fetch, baseUrl: string): Promise<DashboardAlert[]> {
  const response = await fetcher(`${baseUrl}/api/v2/alerts?active=true&silenced=false&inhibited=false`, {
    signal: AbortSignal.timeout(3_000),
  })
  if (!response.ok) throw new Error(`Alertmanager answered ${response.status}`)
  const alerts = (await response.json()) as {
    labels: Record<string, string>
    annotations?: Record<string, string>
    startsAt?: string
  }[]
  return alerts.map((alert) => ({
    name: alert.labels.alertname ?? 'alert',
    severity: alert.labels.severity ?? 'none',
    summary: alert.annotations?.summary ?? alert.annotations?.description ?? '',
    since: alert.startsAt ?? null,
    source: 'alertmanager',
  }))
}

/** A `/health` body (application/health+json), as far as the dashboard reads it. */
export interface HealthBody {
  status: string
  checks?: Record<string, { status: string; output?: string; time?: string; observedValue?: unknown }[]>
}

/**
 * Without Alertmanager: every health check that is not `pass`, as an alert
 * (`fail` critical, `warn` warning).
 *
 * @example
 * healthAlerts({ status: 'warn', checks: { cache: [{ status: 'warn', output: 'Redis unreachable' }] } })
 */
export function healthAlerts(health: HealthBody): DashboardAlert[] {
  const alerts: DashboardAlert[] = []
  for (const [name, results] of Object.entries(health.checks ?? {})) {
    for (const result of results) {
      if (result.status === 'pass') continue
      alerts.push({
        name,
        severity: result.status === 'fail' ? 'critical' : 'warning',
        summary: result.output ?? `${name} is ${result.status}`,
        since: result.time ?? null,
        source: 'health',
      })
    }
  }
  return alerts
}
