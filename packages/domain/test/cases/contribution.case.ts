import { describe, expect, test } from 'bun:test'
import { seededRandom } from '@jackpot/test-kit'
import {
  CurrencyMismatchError,
  IdempotencyConflictError,
  InvalidCommandError,
  type PoolDefinition,
} from '../../src/index.ts'
import { conservationGap, readWholeLedger } from '../support/ledger-replay.ts'
import type { StoreHarness } from './store-harness.ts'

export const CAPPED: PoolDefinition = {
  slug: 'capped',
  name: 'Capped',
  seedCents: 1_000n,
  contributionBp: 10_000,
  ceilingCents: 1_500n,
}

const wager = (
  idempotencyKey: string,
  wagerCents: bigint,
  extra: { playerId?: string; gameId?: string } = {},
) => ({
  idempotencyKey,
  gameId: extra.gameId ?? 'slots-1',
  playerId: extra.playerId,
  wagerCents,
  currency: 'EUR',
})

export function contributionCases(h: StoreHarness): void {
  describe('contributions', () => {
    test('starts with the default pools, each funded by a seed ledger entry', async () => {
      const pools = await h.store.listPools()
      expect(pools.map((p) => [p.slug, p.amountCents, p.totals.seededByHouseCents, p.version])).toEqual([
        ['major', 1_000_000n, 1_000_000n, 1],
        ['mega', 10_000_000n, 10_000_000n, 1],
        ['minor', 100_000n, 100_000n, 1],
      ])
      const seeds = await readWholeLedger(h.store, { kind: 'seed' })
      expect(seeds.map((e) => e.lines.map((l) => [l.pool, l.amountDeltaCents]))).toEqual([
        [['minor', 100_000n]],
        [['major', 1_000_000n]],
        [['mega', 10_000_000n]],
      ])
    })

    test("adds each pool's share of a wager and carries the sub-cent residue", async () => {
      const { replayed, result } = await h.store.contribute(wager('c-1', 12_345n, { playerId: 'p-7' }))
      expect(replayed).toBe(false)
      expect(result).toMatchObject({
        wagerCents: 12_345n,
        currency: 'EUR',
        gameId: 'slots-1',
        playerId: 'p-7',
      })
      // 12 345 × 50 bp = 61.725 cents, × 25 bp = 30.8625, × 100 bp = 123.45.
      expect(result.pools.map((p) => [p.slug, p.contributedCents, p.toReserveCents, p.amountCents])).toEqual([
        ['major', 61n, 0n, 1_000_061n],
        ['mega', 30n, 0n, 10_000_030n],
        ['minor', 123n, 0n, 100_123n],
      ])
      const pools = await h.store.listPools()
      expect(pools.map((p) => [p.slug, p.residue, p.totals.contributions])).toEqual([
        ['major', 7_250, 1],
        ['mega', 8_625, 1],
        ['minor', 4_500, 1],
      ])
      for (const pool of pools) expect(conservationGap(pool)).toBe(0n)
    })

    test('turns the residues of many small wagers into whole cents, none lost', async () => {
      const random = seededRandom(7)
      let total = 0n
      for (let i = 0; i < 120; i++) {
        const cents = BigInt(random.int(1, 99))
        total += cents
        await h.store.contribute(wager(`small-${i}`, cents))
      }
      for (const pool of await h.store.listPools()) {
        const exact = total * BigInt(pool.contributionBp)
        expect(pool.totals.contributedCents).toBe(exact / 10_000n)
        expect(BigInt(pool.residue)).toBe(exact % 10_000n)
        expect(pool.amountCents).toBe(pool.seedCents + exact / 10_000n)
      }
    })

    test('sends what would lift a pool above its ceiling to the reserve', async () => {
      await h.usePools([CAPPED])
      await h.store.contribute(wager('c-1', 400n))
      const { result } = await h.store.contribute(wager('c-2', 300n))
      expect(result.pools).toEqual([
        {
          slug: 'capped',
          contributedCents: 300n,
          toReserveCents: 200n,
          amountCents: 1_500n,
          reserveCents: 200n,
        },
      ])
      const pool = await h.store.getPool('capped')
      expect(pool.totals.contributedCents).toBe(700n)
      expect(conservationGap(pool)).toBe(0n)
    })

    test('returns the first result for a repeated idempotency key and writes nothing', async () => {
      const first = await h.store.contribute(wager('same', 5_000n))
      const poolsBefore = await h.store.listPools()
      const ledgerBefore = await readWholeLedger(h.store)
      h.clock.advance(5_000)

      const again = await h.store.contribute(wager('same', 5_000n))
      expect(again.replayed).toBe(true)
      expect(again.result).toEqual(first.result)
      expect(await h.store.listPools()).toEqual(poolsBefore)
      expect(await readWholeLedger(h.store)).toEqual(ledgerBefore)
    })

    test('refuses the same idempotency key with a different body', async () => {
      await h.store.contribute(wager('key-1', 5_000n))
      await expect(h.store.contribute(wager('key-1', 5_001n))).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      )
      await expect(h.store.contribute(wager('key-1', 5_000n, { playerId: 'other' }))).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      )
      // A key is one request, whatever its kind.
      await expect(
        h.store.win({ idempotencyKey: 'key-1', pool: 'minor', gameId: 'slots-1', playerId: 'p' }),
      ).rejects.toMatchObject({ code: 'E_IDEMPOTENCY_CONFLICT', key: 'key-1' })
      expect((await readWholeLedger(h.store, { kind: 'contribution' })).length).toBe(1)
    })

    test('refuses a wager in another currency and writes nothing', async () => {
      const error = await h.store
        .contribute({ ...wager('usd', 100n), currency: 'USD' })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CurrencyMismatchError)
      expect(error).toMatchObject({ code: 'E_CURRENCY_MISMATCH', received: 'USD', expected: 'EUR' })
      expect(await readWholeLedger(h.store, { kind: 'contribution' })).toEqual([])
    })

    test('refuses a wager that is not a positive amount', async () => {
      await expect(h.store.contribute(wager('zero', 0n))).rejects.toBeInstanceOf(InvalidCommandError)
      await expect(h.store.contribute(wager('negative', -100n))).rejects.toMatchObject({
        field: 'wagerCents',
      })
      await expect(h.store.contribute(wager('', 100n))).rejects.toMatchObject({ field: 'idempotencyKey' })
    })

    test('counts contributions and contributed cents per pool, and replays apart', async () => {
      await h.store.contribute(wager('m-1', 10_000n))
      await h.store.contribute(wager('m-1', 10_000n))
      await h.store.contribute(wager('m-2', 10_000n))
      expect(h.metrics.total('jackpot.contributions')).toBe(2)
      expect(h.metrics.total('jackpot.contributed_cents', { pool: 'minor' })).toBe(200)
      expect(h.metrics.total('jackpot.contributed_cents', { pool: 'mega' })).toBe(50)
      expect(h.metrics.total('jackpot.idempotent_replays', { 'jackpot.kind': 'contribution' })).toBe(1)
    })

    test('tells onPoolsChanged listeners after commit, never for a replay or a refusal', async () => {
      const calls: string[][] = []
      const dispose = h.store.onPoolsChanged((slugs) => calls.push(slugs))
      await h.store.contribute(wager('n-1', 100n))
      await h.store.contribute(wager('n-1', 100n))
      await h.store.contribute(wager('n-1', 999n)).catch(() => {})
      expect(calls).toEqual([['major', 'mega', 'minor']])
      dispose()
      await h.store.contribute(wager('n-2', 100n))
      expect(calls.length).toBe(1)
    })

    test('keeps going when a listener throws, and logs it', async () => {
      const dispose = h.store.onPoolsChanged(() => {
        throw new Error('listener bug')
      })
      const { replayed } = await h.store.contribute(wager('l-1', 100n))
      dispose()
      expect(replayed).toBe(false)
      expect(h.logs.some((l) => l.level === 'warn' && l.message.includes('listener'))).toBe(true)
    })

    test('logs one debug line per recorded contribution and none for a replay', async () => {
      const { result } = await h.store.contribute(wager('log-1', 2_000n))
      await h.store.contribute(wager('log-1', 2_000n))
      const lines = h.logs.filter((l) => l.message === 'contribution recorded')
      expect(lines).toEqual([
        {
          level: 'debug',
          message: 'contribution recorded',
          fields: {
            contributionId: result.id,
            gameId: 'slots-1',
            wagerCents: '2000',
            currency: 'EUR',
            pools: { major: '10', mega: '5', minor: '20' },
          },
        },
      ])
    })
  })
}
