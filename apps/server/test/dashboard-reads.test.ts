import { afterAll, describe, expect, test } from 'bun:test'
import type { PoolGrowthPageView } from '../src/views/pool-growth-view.ts'
import type { RecentWinsPageView } from '../src/views/recent-win-view.ts'
import type { TopGamesPageView } from '../src/views/top-game-view.ts'
import type { WinView } from '../src/views/win-view.ts'
import { createHarness } from './support/harness.ts'

const h = await createHarness()
afterAll(() => h.close())
const key = await h.gameKey()

const post = (path: string, idempotencyKey: string, body: Record<string, unknown>) =>
  h.send<WinView>('POST', path, { apiKey: key, idempotencyKey, body })

describe('dashboard reads', () => {
  test('lists the latest wins for viewers, newest first, paginated with before', async () => {
    await post('/api/v1/contributions', 'dr-c1', { gameId: 'slots', wagerCents: 50_000, currency: 'EUR' })
    const w1 = await post('/api/v1/wins', 'dr-w1', { pool: 'minor', gameId: 'slots', playerId: 'p1' })
    const w2 = await post('/api/v1/wins', 'dr-w2', { pool: 'major', gameId: 'poker', playerId: 'p2' })
    expect([w1.status, w2.status]).toEqual([201, 201])

    const page = await h.send<RecentWinsPageView>('GET', '/api/v1/wins/recent?limit=1', {
      bearer: h.token('viewer'),
    })
    expect(page.status).toBe(200)
    expect(page.body.wins).toEqual([
      {
        id: w2.body.id,
        pool: 'major',
        gameId: 'poker',
        playerId: 'p2',
        payoutCents: w2.body.payoutCents,
        currency: 'EUR',
        createdAt: w2.body.createdAt,
      },
    ])
    const older = await h.send<RecentWinsPageView>(
      'GET',
      `/api/v1/wins/recent?limit=1&before=${page.body.nextCursor}`,
      { bearer: h.token('viewer') },
    )
    expect(older.body.wins.map((w) => w.id)).toEqual([w1.body.id])
  })

  test("ranks today's games by contributed cents for viewers", async () => {
    await post('/api/v1/contributions', 'dr-c2', {
      gameId: 'roulette',
      wagerCents: 1_000_000,
      currency: 'EUR',
    })
    const res = await h.send<TopGamesPageView>('GET', '/api/v1/stats/top-games', {
      bearer: h.token('viewer'),
    })
    expect(res.status).toBe(200)
    expect(res.body.currency).toBe('EUR')
    expect(res.body.since).toMatch(/T00:00:00\.000Z$/)
    // 1 000 000 × (100 + 50 + 25) bp = 17 500 cents; 50 000 × 175 bp = 875.
    expect(res.body.games).toEqual([
      { gameId: 'roulette', contributions: 1, contributedCents: 17_500 },
      { gameId: 'slots', contributions: 1, contributedCents: 875 },
    ])
    expect(res.body.nextCursor).toBeNull()
  })

  test('shows each pool’s growth over the last 24 h for viewers, a page of pools at a time', async () => {
    const viewer = { bearer: h.token('viewer') }
    const res = await h.send<PoolGrowthPageView>('GET', '/api/v1/stats/pool-growth', viewer)
    expect(res.status).toBe(200)
    expect(res.body.currency).toBe('EUR')
    expect(Date.parse(res.body.until) - Date.parse(res.body.since)).toBe(86_400_000)
    // Wagers 50 000 + 1 000 000 cents so far: minor 100 bp, major 50 bp, mega 25 bp of them.
    expect(res.body.pools).toEqual([
      { pool: 'major', contributions: 2, contributedCents: 5_250 },
      { pool: 'mega', contributions: 2, contributedCents: 2_625 },
      { pool: 'minor', contributions: 2, contributedCents: 10_500 },
    ])
    const first = await h.send<PoolGrowthPageView>('GET', '/api/v1/stats/pool-growth?limit=2', viewer)
    expect(first.body.pools.map((p) => p.pool)).toEqual(['major', 'mega'])
    const rest = await h.send<PoolGrowthPageView>(
      'GET',
      `/api/v1/stats/pool-growth?limit=2&after=${first.body.nextCursor}`,
      viewer,
    )
    expect(rest.body.pools.map((p) => p.pool)).toEqual(['minor'])
    expect(rest.body.nextCursor).toBeNull()
  })

  test('needs a token, and answers a bad cursor or limit with a 4xx problem', async () => {
    expect((await h.send('GET', '/api/v1/wins/recent')).status).toBe(401)
    expect((await h.send('GET', '/api/v1/stats/top-games')).status).toBe(401)
    expect((await h.send('GET', '/api/v1/stats/pool-growth')).status).toBe(401)
    const viewer = { bearer: h.token('viewer') }
    for (const path of [
      '/api/v1/wins/recent?before=nope',
      '/api/v1/wins/recent?limit=0',
      '/api/v1/stats/top-games?after=nope',
      '/api/v1/stats/top-games?limit=501',
      '/api/v1/stats/pool-growth?limit=0',
      `/api/v1/stats/pool-growth?after=${'x'.repeat(65)}`,
    ]) {
      const res = await h.send('GET', path, viewer)
      expect(res.status, path).toBeGreaterThanOrEqual(400)
      expect(res.status, path).toBeLessThan(500)
      expect(res.headers.get('content-type'), path).toBe('application/problem+json')
    }
  })
})
