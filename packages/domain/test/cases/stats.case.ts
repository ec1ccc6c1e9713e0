import { describe, expect, test } from 'bun:test'
import type { StoreHarness } from './store-harness.ts'

const HOUR = 3_600_000

export function statsCases(h: StoreHarness): void {
  describe('stats', () => {
    test('reports totals, today since UTC midnight, and the last 24 h against the 24 h before', async () => {
      const contribute = (key: string, wagerCents: bigint) =>
        h.store.contribute({ idempotencyKey: key, gameId: 'g', wagerCents, currency: 'EUR' })
      // START is 12:00 UTC. 40 h before: previous window; 20 h before (yesterday 16:00): last 24 h, not today.
      h.clock.set(new Date(h.clock.now().getTime() - 40 * HOUR))
      await contribute('old', 10_000n) // 100 + 50 + 25 = 175 cents
      h.clock.advance(20 * HOUR)
      await contribute('yesterday', 20_000n) // 350 cents
      h.clock.advance(19 * HOUR) // 11:00 today
      await contribute('today', 40_000n) // 700 cents
      const { result: won } = await h.store.win({
        idempotencyKey: 'w',
        pool: 'minor',
        gameId: 'g',
        playerId: 'p',
      })
      h.clock.advance(HOUR)

      const stats = await h.store.stats()
      expect(stats).toMatchObject({
        pools: 3,
        totalContributedCents: 1_225n,
        totalPaidOutCents: won.payoutCents,
        totalSeededByHouseCents: 11_100_000n + 100_000n,
        contributions: 3,
        wins: 1,
        today: {
          contributions: 1,
          contributedCents: 700n,
          wagerCents: 40_000n,
          wins: 1,
          paidOutCents: won.payoutCents,
        },
        growth: { last24hCents: 1_050n, previous24hCents: 175n, ratio: 6 },
      })
      expect(won.payoutCents).toBe(100_000n + 100n + 200n + 400n)
      expect(stats.totalAmountCents + stats.totalReserveCents + stats.totalPaidOutCents).toBe(
        stats.totalContributedCents + stats.totalSeededByHouseCents,
      )
      const lastActivity = new Date(h.clock.now().getTime() - HOUR)
      expect(stats.lastContributionAt).toEqual(lastActivity)
      expect(stats.lastWinAt).toEqual(lastActivity)
    })

    test('has no growth ratio when the earlier window is empty', async () => {
      await h.store.contribute({ idempotencyKey: 'c', gameId: 'g', wagerCents: 10_000n, currency: 'EUR' })
      const stats = await h.store.stats()
      expect(stats.growth).toEqual({ last24hCents: 175n, previous24hCents: 0n, ratio: null })
      expect(stats.lastWinAt).toBeNull()
    })
  })
}
