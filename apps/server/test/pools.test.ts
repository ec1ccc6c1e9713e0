import { afterAll, describe, expect, test } from 'bun:test'
import type { ContributionView } from '../src/views/contribution-view.ts'
import type { PoolView } from '../src/views/pool-view.ts'
import type { StatsView } from '../src/views/stats-view.ts'
import { createHarness } from './support/harness.ts'

const h = await createHarness()
afterAll(() => h.close())

describe('pool reads', () => {
  test('lists the default pools publicly, money as integer cents', async () => {
    const res = await h.send<{ pools: PoolView[] }>('GET', '/api/v1/pools')
    expect(res.status).toBe(200)
    expect(res.body.pools.map((p) => p.slug).sort()).toEqual(['major', 'mega', 'minor'])
    const mega = res.body.pools.find((p) => p.slug === 'mega')!
    expect(mega).toMatchObject({
      currency: 'EUR',
      amountCents: 10_000_000,
      seedCents: 10_000_000,
      ceilingCents: null,
      contributionBp: 25,
    })
    expect(Number.isInteger(mega.amountCents)).toBe(true)
    expect(mega.totals).toEqual({
      contributedCents: 0,
      paidOutCents: 0,
      seededByHouseCents: 10_000_000,
      contributions: 0,
      wins: 0,
    })
  })

  test('serves an ETag and answers 304 to a matching If-None-Match, 200 once the pool changed', async () => {
    const first = await h.send('GET', '/api/v1/pools/minor')
    expect(first.status).toBe(200)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[^"]+"$/) // strong: the body is rendered once and served byte for byte
    expect(first.headers.get('cache-control')).toBe(
      'public, max-age=1, s-maxage=1, stale-while-revalidate=5, stale-if-error=60',
    )

    const cached = await h.send('GET', '/api/v1/pools/minor', { headers: { 'if-none-match': etag } })
    expect(cached.status).toBe(304)
    expect(cached.text).toBe('')
    expect(cached.headers.get('etag')).toBe(etag)

    const key = await h.gameKey()
    const contributed = await h.send<ContributionView>('POST', '/api/v1/contributions', {
      apiKey: key,
      idempotencyKey: 'etag-1',
      body: { gameId: 'g', wagerCents: 10_000, currency: 'EUR' },
    })
    expect(contributed.body.pools.find((p) => p.slug === 'minor')?.contributedCents).toBe(100)
    const changed = await h.send<PoolView>('GET', '/api/v1/pools/minor', {
      headers: { 'if-none-match': etag },
    })
    expect(changed.status).toBe(200)
    expect(changed.body.amountCents).toBe(100_100)
  })
})

describe('stats', () => {
  test("reports totals and today's contributions to viewers", async () => {
    const res = await h.send<StatsView>('GET', '/api/v1/stats', { bearer: h.token('viewer') })
    expect(res.status).toBe(200)
    expect(res.body.pools).toBe(3)
    expect(res.body.today.contributions).toBe(res.body.contributions)
    expect(res.body.today.wagerCents).toBe(String(res.body.contributions * 10_000))
    expect(res.body.totalContributedCents).toBe(res.body.today.contributedCents)
  })

  test('shows a contribution made through this replica at once, even right after a read', async () => {
    const viewer = { bearer: h.token('viewer') }
    const before = await h.send<StatsView>('GET', '/api/v1/stats', viewer)
    const key = await h.gameKey('stats-fresh')
    const made = await h.send('POST', '/api/v1/contributions', {
      apiKey: key,
      idempotencyKey: 'stats-fresh-1',
      body: { gameId: 'slots', wagerCents: 10_000, currency: 'EUR' },
    })
    expect(made.status).toBe(201)
    const after = await h.send<StatsView>('GET', '/api/v1/stats', viewer)
    expect(after.body.contributions).toBe(before.body.contributions + 1)
    expect(after.body.today.contributions).toBe(before.body.today.contributions + 1)
  })
})
