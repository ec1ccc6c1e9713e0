import { getJson, type Summary } from '../api.ts'
import type { ViewProps } from '../app.tsx'
import { formatPercent } from '../format.ts'
import { Badge, toneOfStatus } from '../parts.tsx'
import { usePoll } from '../use-poll.ts'

export function SystemView({ token, health, onUnauthorized }: ViewProps) {
  const summary = usePoll(() => getJson<Summary>('/dash/summary', token), 5_000, onUnauthorized)
  const database = health?.health.checks?.database?.[0]
  const cache = health?.health.checks?.cache?.[0]
  return (
    <section aria-labelledby="system-title">
      <h2 id="system-title">System</h2>
      <div class="cards">
        <div class="card">
          <h3>Database</h3>
          <p class="big">
            {typeof database?.observedValue === 'number' ? `${database.observedValue.toFixed(1)} ms` : '—'}
          </p>
          <p class="muted">
            Round trip · <Badge tone={toneOfStatus(database?.status)}>{database?.status ?? 'unknown'}</Badge>
          </p>
        </div>
        <div class="card">
          <h3>Pool cache</h3>
          <p class="big">{formatPercent(summary.data?.cacheHitRatio)}</p>
          <p class="muted">
            Memory hit ratio · <Badge tone={toneOfStatus(cache?.status)}>{cache?.status ?? 'unknown'}</Badge>
          </p>
        </div>
        <div class="card">
          <h3>Pool stream</h3>
          <p class="big">{summary.data?.streamSubscribers ?? '—'}</p>
          <p class="muted">Subscribers on the replica sampled</p>
        </div>
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
