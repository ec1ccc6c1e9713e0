import { describe, expect, test } from 'bun:test'
import { InvalidCommandError, InvalidQueryError } from '../../src/index.ts'
import type { StoreHarness } from './store-harness.ts'

const HOUR = 3_600_000

export function dashboardReadCases(h: StoreHarness): void {
  const contribute = (key: string, gameId: string, wagerCents: bigint) =>
    h.store.contribute({ idempotencyKey: key, gameId, wagerCents, currency: 'EUR' })
  const win = (key: string, pool: string, gameId: string) =>
    h.store.win({ idempotencyKey: key, pool, gameId, playerId: `player-${key}` })
  /** A wager placed `hours` ago, for the reads that count only a recent window; the clock comes back to now. */
  const contributeHoursAgo = async (hours: number, key: string, gameId: string, wagerCents: bigint) => {
    h.clock.set(new Date(h.clock.now().getTime() - hours * HOUR))
    await contribute(key, gameId, wagerCents)
    h.clock.advance(hours * HOUR)
  }

  describe('recent wins', () => {
    test('lists wins newest first with payout, pool, game and time, a page at a time', async () => {
      await contribute('c1', 'slots', 100_000n)
      const first = (await win('w1', 'minor', 'slots')).result
      h.clock.advance(1_000)
      const second = (await win('w2', 'major', 'poker')).result
      h.clock.advance(1_000)
      const third = (await win('w3', 'minor', 'roulette')).result

      const page1 = await h.store.recentWins({ limit: 2 })
      expect(page1.entries).toEqual([
        {
          id: third.id,
          pool: 'minor',
          gameId: 'roulette',
          playerId: 'player-w3',
          payoutCents: third.payoutCents,
          createdAt: third.createdAt,
        },
        {
          id: second.id,
          pool: 'major',
          gameId: 'poker',
          playerId: 'player-w2',
          payoutCents: second.payoutCents,
          createdAt: second.createdAt,
        },
      ])
      expect(page1.nextCursor).not.toBeNull()
      const page2 = await h.store.recentWins({ limit: 2, before: page1.nextCursor! })
      expect(page2.entries.map((w) => [w.id, w.payoutCents])).toEqual([[first.id, first.payoutCents]])
      expect(page2.nextCursor).toBeNull()
    })

    test('is empty before any win, and refuses a cursor it did not make', async () => {
      await contribute('c1', 'slots', 100_000n)
      expect(await h.store.recentWins({})).toEqual({ entries: [], nextCursor: null })
      await expect(h.store.recentWins({ before: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(
        InvalidQueryError,
      )
      await expect(h.store.recentWins({ limit: 0 })).rejects.toBeInstanceOf(InvalidQueryError)
    })
  })

  describe('top games', () => {
    test("ranks games by cents contributed since UTC midnight, ignoring yesterday's wagers", async () => {
      // START is 12:00 UTC: 13 h earlier is yesterday.
      await contributeHoursAgo(13, 'old', 'poker', 10_000_000n)
      await contribute('a1', 'slots', 10_000n) // 100 + 50 + 25 = 175 cents
      await contribute('a2', 'slots', 10_000n)
      await contribute('b1', 'poker', 40_000n) // 700 cents
      await contribute('c1', 'roulette', 20_000n) // 350 cents
      await win('w1', 'minor', 'slots') // wins are not contributions

      // One page, so no cursor.
      expect(await h.store.topGames({})).toEqual({
        entries: [
          { gameId: 'poker', contributions: 1, contributedCents: 700n },
          // A tie: by game id.
          { gameId: 'roulette', contributions: 1, contributedCents: 350n },
          { gameId: 'slots', contributions: 2, contributedCents: 350n },
        ],
        nextCursor: null,
      })
    })

    test('pages through the ranking without repeating or skipping a game, ties ordered by game id', async () => {
      const games = ['e', 'b', 'd', 'a', 'c']
      for (const [i, game] of games.entries()) await contribute(`k${i}`, game, 10_000n)
      await contribute('extra', 'd', 10_000n)

      const seen: string[] = []
      let cursor: string | undefined
      do {
        const page = await h.store.topGames({ limit: 2, ...(cursor ? { after: cursor } : {}) })
        seen.push(...page.entries.map((g) => g.gameId))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(seen).toEqual(['d', 'a', 'b', 'c', 'e'])
      await expect(h.store.topGames({ after: 'garbage' })).rejects.toBeInstanceOf(InvalidCommandError)
    })
  })

  describe('pool growth', () => {
    test('sums what each pool gained from wagers in the last 24 h, leaving out older wagers and wins', async () => {
      await contributeHoursAgo(25, 'old', 'poker', 10_000_000n)
      await contribute('a1', 'slots', 10_000n) // minor 100, major 50, mega 25 cents
      await contribute('a2', 'poker', 30_000n) // minor 300, major 150, mega 75 cents
      await win('w1', 'minor', 'slots')

      expect(await h.store.poolGrowth({})).toEqual({
        entries: [
          { pool: 'major', contributions: 2, contributedCents: 200n },
          { pool: 'mega', contributions: 2, contributedCents: 100n },
          { pool: 'minor', contributions: 2, contributedCents: 400n },
        ],
        nextCursor: null,
      })
    })

    test('shows a pool with no wager in the window as 0, pages by slug, and refuses a bad limit', async () => {
      const page1 = await h.store.poolGrowth({ limit: 2 })
      expect(page1.entries).toEqual([
        { pool: 'major', contributions: 0, contributedCents: 0n },
        { pool: 'mega', contributions: 0, contributedCents: 0n },
      ])
      expect(page1.nextCursor).toBe('mega')
      const page2 = await h.store.poolGrowth({ limit: 2, after: page1.nextCursor! })
      expect(page2).toEqual({
        entries: [{ pool: 'minor', contributions: 0, contributedCents: 0n }],
        nextCursor: null,
      })
      await expect(h.store.poolGrowth({ limit: 0 })).rejects.toBeInstanceOf(InvalidQueryError)
    })
  })
}
