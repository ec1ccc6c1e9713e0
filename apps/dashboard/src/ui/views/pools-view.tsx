import { useEffect, useRef, useState } from 'preact/hooks'
import { getJson, type PoolGrowthPage, type PoolView, type Stats } from '../api.ts'
import type { ViewProps } from '../app.tsx'
import { Money, When } from '../parts.tsx'
import { usePoll } from '../use-poll.ts'

export function PoolsView({ token, live, onUnauthorized }: ViewProps) {
  const stats = usePoll(() => getJson<Stats>('/api/v1/stats', token), 10_000, onUnauthorized, live.revision)
  // Refetched on each stream revision (usePoll coalesces), so growth follows the live amounts.
  const growth = usePoll(
    () => getJson<PoolGrowthPage>('/api/v1/stats/pool-growth?limit=500', token),
    10_000,
    onUnauthorized,
    live.revision,
  )
  const growthOf = new Map(growth.data?.pools.map((entry) => [entry.pool, entry.contributedCents]))
  const currency = live.pools[0]?.currency ?? 'EUR'
  return (
    <section aria-labelledby="pools-title">
      <h2 id="pools-title">Pools</h2>
      <p class="muted">
        Live from the pool stream
        {live.receivedAt !== null && (
          <>
            {' '}
            · last change <When at={live.receivedAt} /> · revision{' '}
            <span data-testid="revision">{live.revision}</span>
          </>
        )}
      </p>
      {stats.data && (
        <p>
          Growth over 24 h (all pools): <Money cents={stats.data.growth.last24hCents} currency={currency} />
          {stats.data.growth.ratio != null && ` — ×${stats.data.growth.ratio.toFixed(2)} on the 24 h before`}
        </p>
      )}
      <div class="pools">
        {live.pools.map((pool) => (
          <PoolCard key={pool.slug} pool={pool} growthCents={growthOf.get(pool.slug)} />
        ))}
      </div>
    </section>
  )
}

/** A pool's card; its amount flashes when it changes (the visible tick). */
function PoolCard({ pool, growthCents }: { pool: PoolView; growthCents: number | undefined }) {
  const [ticked, setTicked] = useState(false)
  const previous = useRef(pool.amountCents)
  useEffect(() => {
    if (previous.current === pool.amountCents) return
    previous.current = pool.amountCents
    setTicked(true)
    const timer = setTimeout(() => setTicked(false), 800)
    return () => clearTimeout(timer)
  }, [pool.amountCents])
  return (
    <article class="card pool" data-pool={pool.slug} aria-labelledby={`pool-${pool.slug}`}>
      <h3 id={`pool-${pool.slug}`}>{pool.name}</h3>
      <p class={`amount${ticked ? ' tick' : ''}`} data-testid={`amount-${pool.slug}`}>
        <Money cents={pool.amountCents} currency={pool.currency} />
      </p>
      <dl>
        <dt>Reserve</dt>
        <dd>
          <Money cents={pool.reserveCents} currency={pool.currency} />
        </dd>
        <dt>Seed</dt>
        <dd>
          <Money cents={pool.seedCents} currency={pool.currency} />
        </dd>
        <dt>Ceiling</dt>
        <dd>
          {pool.ceilingCents === null ? 'none' : <Money cents={pool.ceilingCents} currency={pool.currency} />}
        </dd>
        <dt>Growth 24 h</dt>
        <dd data-testid={`growth-${pool.slug}`}>
          {growthCents === undefined ? '—' : <Money cents={growthCents} currency={pool.currency} />}
        </dd>
        <dt>Rate</dt>
        <dd>{(pool.contributionBp / 100).toFixed(2)} % of each wager</dd>
        <dt>Wins</dt>
        <dd>{pool.totals.wins}</dd>
      </dl>
    </article>
  )
}
