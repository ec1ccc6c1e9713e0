import { describe, expect, test } from 'bun:test'
import { IdempotencyConflictError, PoolNotFoundError } from '../../src/index.ts'
import { conservationGap, readWholeLedger } from '../support/ledger-replay.ts'
import { CAPPED } from './contribution.case.ts'
import type { StoreHarness } from './store-harness.ts'

const win = (idempotencyKey: string, pool = 'capped', playerId = 'p-1') => ({
  idempotencyKey,
  pool,
  gameId: 'slots-1',
  playerId,
})

const contribute = (h: StoreHarness, key: string, wagerCents: bigint) =>
  h.store.contribute({ idempotencyKey: key, gameId: 'slots-1', wagerCents, currency: 'EUR' })

export function winCases(h: StoreHarness): void {
  describe('wins', () => {
    test('pays the amount and resets to the seed from the reserve, then the house', async () => {
      await h.usePools([CAPPED])
      await contribute(h, 'c-1', 700n) // amount 1 500 (ceiling), reserve 200
      const { replayed, result } = await h.store.win(win('w-1'))
      expect(replayed).toBe(false)
      expect(result).toMatchObject({
        pool: 'capped',
        gameId: 'slots-1',
        playerId: 'p-1',
        payoutCents: 1_500n,
        resetFromReserveCents: 200n,
        resetFromHouseCents: 800n,
        amountCents: 1_000n,
        reserveCents: 0n,
      })
      const pool = await h.store.getPool('capped')
      expect(pool.totals).toMatchObject({ paidOutCents: 1_500n, seededByHouseCents: 1_800n, wins: 1 })
      expect(conservationGap(pool)).toBe(0n)
    })

    test('resets from the reserve alone when it covers the seed', async () => {
      await h.usePools([CAPPED])
      await contribute(h, 'c-1', 2_000n) // amount 1 500, reserve 1 500
      const { result } = await h.store.win(win('w-1'))
      expect(result).toMatchObject({
        payoutCents: 1_500n,
        resetFromReserveCents: 1_000n,
        resetFromHouseCents: 0n,
      })
      expect(result.reserveCents).toBe(500n)
    })

    test('writes a key-bearing win entry and a separate reset entry pointing at it', async () => {
      await h.usePools([CAPPED])
      await contribute(h, 'c-1', 700n)
      const { result } = await h.store.win(win('w-1'))
      const [winEntry] = await readWholeLedger(h.store, { kind: 'win' })
      const [reset] = await readWholeLedger(h.store, { kind: 'reset' })
      expect(winEntry).toMatchObject({
        id: result.id,
        idempotencyKey: 'w-1',
        playerId: 'p-1',
        parentId: null,
      })
      expect(winEntry!.lines).toEqual([
        {
          pool: 'capped',
          amountDeltaCents: -1_500n,
          reserveDeltaCents: 0n,
          amountAfterCents: 0n,
          reserveAfterCents: 200n,
          residueAfter: 0,
        },
      ])
      expect(reset).toMatchObject({ idempotencyKey: null, parentId: result.id })
      expect(reset!.lines).toEqual([
        {
          pool: 'capped',
          amountDeltaCents: 1_000n,
          reserveDeltaCents: -200n,
          amountAfterCents: 1_000n,
          reserveAfterCents: 0n,
          residueAfter: 0,
        },
      ])
    })

    test('returns the first result for a repeated win and pays nothing twice', async () => {
      await h.usePools([CAPPED])
      await contribute(h, 'c-1', 700n)
      const first = await h.store.win(win('w-1'))
      await contribute(h, 'c-2', 300n)
      const before = await h.store.getPool('capped')
      h.clock.advance(60_000)

      const again = await h.store.win(win('w-1'))
      expect(again).toEqual({ replayed: true, result: first.result })
      expect(await h.store.getPool('capped')).toEqual(before)
      expect((await readWholeLedger(h.store, { kind: 'reset' })).length).toBe(1)
    })

    test('refuses a win key reused for another player or pool', async () => {
      await h.store.win(win('w-1', 'minor'))
      await expect(h.store.win(win('w-1', 'minor', 'p-2'))).rejects.toBeInstanceOf(IdempotencyConflictError)
      await expect(h.store.win(win('w-1', 'major'))).rejects.toBeInstanceOf(IdempotencyConflictError)
      expect((await h.store.getPool('major')).totals.wins).toBe(0)
    })

    test('refuses a win on an unknown pool and leaves its key unused', async () => {
      const error = await h.store.win(win('w-x', 'jumbo')).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PoolNotFoundError)
      expect(error).toMatchObject({ code: 'E_POOL_NOT_FOUND', slug: 'jumbo' })
      expect(await readWholeLedger(h.store, { kind: 'win' })).toEqual([])
      // The refused request left nothing behind, so the key is still free.
      const { replayed } = await h.store.win(win('w-x', 'minor'))
      expect(replayed).toBe(false)
      await expect(h.store.getPool('jumbo')).rejects.toBeInstanceOf(PoolNotFoundError)
    })

    test('logs one info line per win with the pool and the payout', async () => {
      const { result } = await h.store.win(win('w-log', 'minor'))
      await h.store.win(win('w-log', 'minor'))
      expect(h.logs.filter((l) => l.message === 'jackpot won')).toEqual([
        {
          level: 'info',
          message: 'jackpot won',
          fields: {
            winId: result.id,
            pool: 'minor',
            payoutCents: '100000',
            gameId: 'slots-1',
            playerId: 'p-1',
            resetFromReserveCents: '0',
            resetFromHouseCents: '100000',
          },
        },
      ])
    })

    test('counts wins and payouts per pool, and replays apart', async () => {
      const { result } = await h.store.win(win('w-1', 'mega'))
      await h.store.win(win('w-1', 'mega'))
      expect(h.metrics.total('jackpot.wins', { pool: 'mega' })).toBe(1)
      expect(h.metrics.total('jackpot.paid_out_cents', { pool: 'mega' })).toBe(Number(result.payoutCents))
      expect(h.metrics.total('jackpot.idempotent_replays', { 'jackpot.kind': 'win' })).toBe(1)
    })

    test('tells onPoolsChanged listeners which pool a win changed', async () => {
      const calls: string[][] = []
      const dispose = h.store.onPoolsChanged((slugs) => calls.push(slugs))
      await h.store.win(win('w-1', 'mega'))
      await h.store.win(win('w-1', 'mega'))
      dispose()
      expect(calls).toEqual([['mega']])
    })
  })
}
