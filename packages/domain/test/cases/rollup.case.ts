import { describe, expect, test } from 'bun:test'
import { seededRandom } from '@jackpot/test-kit'
import { DrizzleJackpotStore, HistoryNotEmptyError, verifyLedger } from '../../src/index.ts'
import { readWholeLedger } from '../support/ledger-replay.ts'
import type { StoreHarness } from './store-harness.ts'

const MINUTE = 60_000
const HOUR = 3_600_000

function drizzleStore(h: StoreHarness): DrizzleJackpotStore {
  if (!(h.store instanceof DrizzleJackpotStore))
    throw new Error('rollup cases need a store made by openJackpot')
  return h.store
}

export function rollupCases(h: StoreHarness): void {
  describe('rollups', () => {
    test('equal the ledger aggregates after concurrent contributions and wins across minutes, days and games', async () => {
      const random = seededRandom(13)
      const pools = ['major', 'mega', 'minor']
      // Four waves: two minutes apart, then across UTC midnight, each fired concurrently.
      const steps = [0, 2 * MINUTE, 12 * HOUR, MINUTE]
      let n = 0
      for (const step of steps) {
        h.clock.advance(step)
        const writes: Promise<unknown>[] = []
        for (let i = 0; i < 60; i++, n++) {
          const key = `c-${n}`
          writes.push(
            h.store.contribute({
              idempotencyKey: key,
              gameId: `g-${random.int(0, 4)}`,
              wagerCents: random.wager(),
              currency: 'EUR',
            }),
          )
          // A retry racing its original: counted once.
          if (i % 10 === 0)
            writes.push(
              h.store
                .contribute({ idempotencyKey: key, gameId: 'x', wagerCents: 1n, currency: 'EUR' })
                .catch(() => null),
            )
          if (i % 20 === 0)
            writes.push(
              h.store.win({
                idempotencyKey: `w-${n}`,
                pool: random.pick(pools),
                gameId: 'g-0',
                playerId: 'p',
              }),
            )
        }
        await Promise.all(writes)
      }

      expect(await drizzleStore(h).checkRollups()).toMatchObject({ ok: true })
      expect(await verifyLedger(h.store)).toMatchObject({ ok: true })

      // The figures read from the rollups are the ledger's own sums.
      const ledger = await readWholeLedger(h.store)
      const now = h.clock.now()
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
      const today = ledger.filter((e) => e.createdAt.getTime() >= midnight)
      const contributions = today.filter((e) => e.kind === 'contribution')
      const wins = today.filter((e) => e.kind === 'win')
      const sumLines = (
        entries: typeof ledger,
        pick: (l: (typeof ledger)[number]['lines'][number]) => bigint,
      ) => entries.reduce((s, e) => s + e.lines.reduce((t, l) => t + pick(l), 0n), 0n)
      const stats = await h.store.stats()
      expect(contributions.length).toBeGreaterThan(0)
      expect(wins.length).toBeGreaterThan(0)
      expect(stats.today).toEqual({
        contributions: contributions.length,
        wagerCents: contributions.reduce((s, e) => s + (e.wagerCents ?? 0n), 0n),
        contributedCents: sumLines(contributions, (l) => l.amountDeltaCents + l.reserveDeltaCents),
        wins: wins.length,
        paidOutCents: sumLines(wins, (l) => -l.amountDeltaCents),
      })
      expect(stats.lastContributionAt).toEqual(now)
      expect(stats.lastWinAt).toEqual(now)

      // Per-pool growth over the last 11 h 30 min: only the last two waves, from the minute rollup.
      const since = new Date(now.getTime() - 11 * HOUR - 30 * MINUTE)
      const growth = await drizzleStore(h).poolGrowthSince(since)
      const expected = new Map<string, bigint>()
      for (const e of ledger.filter((e) => e.kind === 'contribution' && e.createdAt >= since))
        for (const l of e.lines)
          expected.set(l.pool, (expected.get(l.pool) ?? 0n) + l.amountDeltaCents + l.reserveDeltaCents)
      expect(growth).toEqual(expected)

      const top = await h.store.topGames({ limit: 100 })
      const byGame = new Map<string, { contributions: number; contributedCents: bigint }>()
      for (const e of contributions) {
        const game = byGame.get(e.gameId ?? '') ?? { contributions: 0, contributedCents: 0n }
        game.contributions++
        game.contributedCents += sumLines([e], (l) => l.amountDeltaCents + l.reserveDeltaCents)
        byGame.set(e.gameId ?? '', game)
      }
      expect(
        new Map(
          top.entries.map((g) => [
            g.gameId,
            { contributions: g.contributions, contributedCents: g.contributedCents },
          ]),
        ),
      ).toEqual(byGame)
    })

    test('seedHistory fills an empty database through the write path with a ledger verify-ledger accepts', async () => {
      const progress: number[] = []
      // The upkeep a new store runs at start-up, on the empty database: it must not mark the
      // days before today settled, or the back-dated keys written next would be in neither place.
      await drizzleStore(h).maintainHistory()
      const seeded = await drizzleStore(h).seedHistory({
        contributions: 1_200,
        days: 3,
        batchSize: 250,
        contributionsPerWin: 100,
        until: h.clock.now(),
        onProgress: (p) => progress.push(p.contributions),
      })
      expect(seeded).toMatchObject({ contributions: 1_200, wins: 12, batches: 5 })
      expect(progress).toEqual([250, 500, 750, 1_000, 1_200])
      expect(await verifyLedger(h.store)).toMatchObject({ ok: true })
      expect(await drizzleStore(h).checkRollups()).toMatchObject({ ok: true })
      const pools = await h.store.listPools()
      for (const pool of pools) expect(pool.totals.contributions).toBe(1_200)
      // Spread over the three days before now.
      const ledger = await readWholeLedger(h.store)
      const times = ledger.filter((e) => e.kind === 'contribution').map((e) => e.createdAt.getTime())
      expect(Math.min(...times)).toBeLessThan(h.clock.now().getTime() - 2 * 24 * HOUR)
      expect(Math.max(...times)).toBe(h.clock.now().getTime())
      // A seeded key replays like a real one.
      const first = ledger.find((e) => e.idempotencyKey === 'seed-c-0')!
      const replay = await h.store.contribute({
        idempotencyKey: 'seed-c-0',
        gameId: first.gameId!,
        playerId: first.playerId!,
        wagerCents: first.wagerCents!,
        currency: 'EUR',
      })
      expect(replay.replayed).toBe(true)
      // The seeding settled the closed days' keys as each day closed (as the hourly upkeep
      // would have), so the upkeep now finds nothing left to settle, and the key still replays.
      expect(seeded.settledKeys).toBeGreaterThan(0)
      expect((await drizzleStore(h).maintainHistory()).settledKeys).toBe(0)
      expect(
        await h.store.contribute({
          idempotencyKey: 'seed-c-0',
          gameId: first.gameId!,
          playerId: first.playerId!,
          wagerCents: first.wagerCents!,
          currency: 'EUR',
        }),
      ).toEqual(replay)
      // And it refuses to add to a history that exists.
      await expect(drizzleStore(h).seedHistory({ contributions: 1 })).rejects.toBeInstanceOf(
        HistoryNotEmptyError,
      )
    })
  })
}
