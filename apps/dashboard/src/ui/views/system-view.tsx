import { getJson, type Summary } from '../api.ts'
import type { ViewProps } from '../app.tsx'
import { formatPercent } from '../format.ts'
import { Badge, Card, StatusBadge } from '../parts.tsx'
import { usePoll } from '../use-poll.ts'

export function SystemView({ token, health, onUnauthorized }: ViewProps) {
  const summary = usePoll(() => getJson<Summary>('/dash/summary', token), 5_000, onUnauthorized)
  const database = health?.health.checks?.database?.[0]
  const cache = health?.health.checks?.cache?.[0]
  return (
    <section aria-labelledby="system-title">
      <h2 id="system-title">System</h2>
      <div class="cards">
        <Card
          title="Database"
          value={
            typeof database?.observedValue === 'number' ? `${database.observedValue.toFixed(1)} ms` : '—'
          }
        >
          <p class="muted">
            Round trip · <StatusBadge status={database?.status} />
          </p>
        </Card>
        <Card title="Pool cache" value={formatPercent(summary.data?.cacheHitRatio)}>
          <p class="muted">
            Memory hit ratio · <StatusBadge status={cache?.status} />
          </p>
        </Card>
        <Card title="Pool stream" value={summary.data?.streamSubscribers ?? '—'}>
          <p class="muted">Subscribers on the replica sampled</p>
        </Card>
      </div>
      <h3>Circuit breakers</h3>
      {summary.data?.error && <p class="notice">Metrics unavailable: {summary.data.error}</p>}
      <ul class="checks">
        {(summary.data?.breakers ?? []).map((breaker) => (
          <li key={breaker.name}>
            <Badge
              tone={breaker.state === 'closed' ? 'green' : breaker.state === 'half_open' ? 'amber' : 'red'}
            >
              {breaker.state}
            </Badge>{' '}
            {breaker.name}
          </li>
        ))}
      </ul>
    </section>
  )
}
