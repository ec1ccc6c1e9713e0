import { useMemo } from 'preact/hooks'
import { getJson, type Operation, type Series, type Stats, type Summary } from '../api.ts'
import type { ViewProps } from '../app.tsx'
import { Chart } from '../chart.tsx'
import { formatDuration, formatPercent } from '../format.ts'
import { Badge, Card, Loading, Money, StatusBadge, toneOfStatus } from '../parts.tsx'
import { usePoll } from '../use-poll.ts'

const OPERATION_LABELS: Record<Operation, string> = {
  contribution: 'Contribution',
  win: 'Win',
  pool_query: 'Pool query',
}
const COLOURS: Record<Operation, string> = { contribution: '#1f6feb', win: '#a2521a', pool_query: '#2f7d32' }

/** Green under 80 % of the target, amber up to it, red past it; grey without traffic. */
export function slaTone(
  p95Ms: number | null | undefined,
  targetMs: number,
): 'green' | 'amber' | 'red' | 'grey' {
  if (p95Ms === null || p95Ms === undefined) return 'grey'
  if (p95Ms >= targetMs) return 'red'
  return p95Ms >= targetMs * 0.8 ? 'amber' : 'green'
}

export function OverviewView({ token, live, health, onUnauthorized }: ViewProps) {
  const summary = usePoll(() => getJson<Summary>('/dash/summary', token), 5_000, onUnauthorized)
  const series = usePoll(() => getJson<Series>('/dash/series', token), 10_000, onUnauthorized)
  const stats = usePoll(() => getJson<Stats>('/api/v1/stats', token), 10_000, onUnauthorized, live.revision)
  const currency = live.pools[0]?.currency ?? 'EUR'
  const totalCents = live.pools.reduce((sum, pool) => sum + pool.amountCents, 0)
  const checks = Object.entries(health?.health.checks ?? {})
  const latest = summary.data?.latest
  // The server's own `uptime` entry of /health (seconds since the replica started).
  const uptimeSeconds = health?.health.checks?.uptime?.[0]?.observedValue

  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <div class="cards">
        <Card title="Status" value={<StatusBadge status={health?.health.status} />}>
          <p data-testid="uptime">
            Uptime: {typeof uptimeSeconds === 'number' ? formatDuration(uptimeSeconds * 1000) : '—'}
          </p>
          <p class="muted">
            Reachable for {health?.upSince ? formatDuration(Date.now() - health.upSince) : '—'}
          </p>
        </Card>
        <Card
          title="Requests"
          value={latest?.requestsPerSecond == null ? '—' : `${latest.requestsPerSecond.toFixed(1)}/s`}
        >
          <p class="muted">Errors (5xx): {formatPercent(latest?.errorRate, 2)}</p>
        </Card>
        <Card title="Total jackpot" value={<Money cents={totalCents} currency={currency} />}>
          <p class="muted">
            24 h growth:{' '}
            {stats.data ? <Money cents={stats.data.growth.last24hCents} currency={currency} /> : '—'}
            {stats.data?.growth.ratio != null &&
              ` (×${stats.data.growth.ratio.toFixed(2)} on the day before)`}
          </p>
        </Card>
      </div>

      <h3>SLAs (p95)</h3>
      <ul class="sla">
        {(Object.keys(OPERATION_LABELS) as Operation[]).map((operation) => {
          const target = summary.data?.sla[operation]
          const p95 = latest?.p95Ms[operation]
          return (
            <li key={operation} data-testid={`sla-${operation}`}>
              <Badge tone={target === undefined ? 'grey' : slaTone(p95, target)}>
                {OPERATION_LABELS[operation]}
              </Badge>{' '}
              {p95 == null ? 'no traffic' : `${p95.toFixed(1)} ms`} / target {target ?? '—'} ms
            </li>
          )
        })}
      </ul>

      <h3>Health checks</h3>
      {health === null ? (
        <Loading />
      ) : (
        <ul class="checks">
          {checks.map(([name, results]) => (
            <li key={name}>
              <Badge tone={toneOfStatus(results[0]?.status)}>{results[0]?.status ?? '?'}</Badge> {name}
              {results[0]?.output ? <span class="muted"> — {results[0].output}</span> : null}
            </li>
          ))}
        </ul>
      )}

      <h3>Trends</h3>
      {series.data?.error && <p class="notice">{series.data.error}</p>}
      {series.data && series.data.points.length > 1 ? (
        <Charts series={series.data} sla={summary.data?.sla} />
      ) : (
        <p class="muted">Charts appear after two samples (about 10 s).</p>
      )}
    </section>
  )
}

function Charts({ series, sla }: { series: Series; sla: Record<Operation, number> | undefined }) {
  // Built once per poll, not per render: the overview re-renders on every pool event.
  const charts = useMemo(() => {
    const times = series.points.map((point) => point.at)
    const operations = Object.keys(OPERATION_LABELS) as Operation[]
    return {
      times,
      throughput: [
        { label: 'API requests/s', stroke: '#1f6feb', values: series.points.map((p) => p.requestsPerSecond) },
      ],
      latency: [
        ...operations.map((operation) => ({
          label: OPERATION_LABELS[operation],
          stroke: COLOURS[operation],
          values: series.points.map((p) => p.p95Ms[operation]),
        })),
        ...operations.map((operation) => ({
          label: `${OPERATION_LABELS[operation]} SLA`,
          stroke: COLOURS[operation],
          dash: [4, 4],
          values: series.points.map(() => sla?.[operation] ?? null),
        })),
      ],
      errors: [
        {
          label: '5xx %',
          stroke: '#c62828',
          values: series.points.map((p) => (p.errorRate === null ? null : p.errorRate * 100)),
        },
      ],
    }
  }, [series, sla])
  return (
    <div class="charts">
      <Chart title="Throughput" unit="req/s" times={charts.times} series={charts.throughput} />
      <Chart title="Latency p95 against the SLAs" unit="ms" times={charts.times} series={charts.latency} />
      <Chart title="Error rate" unit="%" times={charts.times} series={charts.errors} />
    </div>
  )
}
