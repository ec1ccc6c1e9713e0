import { describe, expect, test } from 'bun:test'
import {
  CurrencyMismatchError,
  DatabaseUnavailableError,
  IdempotencyConflictError,
  type PoolDefinition,
  PoolNotFoundError,
  type SettledWrite,
} from '../../src/index.ts'
import { figuresOf, readWholeLedger, replayLedger } from '../support/ledger-replay.ts'
import type { StoreHarness } from './store-harness.ts'

const wager = (idempotencyKey: string, wagerCents: bigint, caller?: string) => ({
  idempotencyKey,
  caller,
  gameId: 'slots-1',
  wagerCents,
  currency: 'EUR',
})

const WRITE_OPERATIONS = new Set(['contribution.write', 'win.write', 'write.batch'])

/** Transactions the group-commit writer ran since the test began. */
const batchesRun = (h: StoreHarness) => h.operations.filter((op) => WRITE_OPERATIONS.has(op)).length

export function writeBatchCases(h: StoreHarness): void {
  describe('group commit', () => {
    test('answers each item of one mixed batch on its own: replay, conflict, refusals and fresh writes', async () => {
      const first = await h.store.contribute(wager('mix-a', 1_000n))
      const before = batchesRun(h)
      const [replay, conflict, currency, unknownPool, fresh, win] = await Promise.allSettled([
        h.store.contribute(wager('mix-a', 1_000n)),
        h.store.contribute(wager('mix-a', 2_000n)),
        h.store.contribute({ ...wager('mix-usd', 1_000n), currency: 'USD' }),
        h.store.win({ idempotencyKey: 'mix-w0', pool: 'giga', gameId: 'slots-1', playerId: 'p1' }),
        h.store.contribute(wager('mix-b', 3_000n)),
        h.store.win({ idempotencyKey: 'mix-w1', pool: 'minor', gameId: 'slots-1', playerId: 'p1' }),
      ])
      // Everything that reached the writer went in one transaction.
      expect(batchesRun(h) - before).toBe(1)
      expect(replay.status === 'fulfilled' && replay.value).toEqual({ replayed: true, result: first.result })
      expect(conflict.status === 'rejected' && conflict.reason).toBeInstanceOf(IdempotencyConflictError)
      expect(currency.status === 'rejected' && currency.reason).toBeInstanceOf(CurrencyMismatchError)
      expect(unknownPool.status === 'rejected' && unknownPool.reason).toBeInstanceOf(PoolNotFoundError)
      expect(fresh.status === 'fulfilled' && fresh.value.replayed).toBe(false)
      expect(win.status === 'fulfilled' && win.value.replayed).toBe(false)
      const contributions = await readWholeLedger(h.store, { kind: 'contribution' })
      expect(contributions.map((e) => e.idempotencyKey)).toEqual(['mix-a', 'mix-b'])
      for (const pool of await h.store.listPools()) {
        expect(replayLedger(await readWholeLedger(h.store)).get(pool.slug)).toEqual(figuresOf(pool))
      }
    })

    test('treats the same key twice in one batch exactly as two requests one after the other', async () => {
      const [first, again, other] = await Promise.allSettled([
        h.store.contribute(wager('dup-1', 500n)),
        h.store.contribute(wager('dup-1', 500n)),
        h.store.contribute(wager('dup-1', 700n)),
      ])
      if (first.status !== 'fulfilled' || again.status !== 'fulfilled') throw new Error('expected receipts')
      expect(first.value.replayed).toBe(false)
      expect(again.value).toEqual({ replayed: true, result: first.value.result })
      expect(other.status === 'rejected' && other.reason).toBeInstanceOf(IdempotencyConflictError)
      const entries = await readWholeLedger(h.store, { kind: 'contribution' })
      expect(entries.map((e) => e.id)).toEqual([first.value.result.id])
      const minor = (await h.store.listPools()).find((p) => p.slug === 'minor')!
      expect(minor.totals.contributions).toBe(1)
    })

    test('scopes idempotency keys to their caller: two callers with one key get two writes', async () => {
      const a = await h.store.contribute(wager('round-0001', 1_000n, 'game-a'))
      const b = await h.store.contribute(wager('round-0001', 1_000n, 'game-b'))
      expect(b.replayed).toBe(false)
      expect(b.result.id).not.toBe(a.result.id)
      const replayA = await h.store.contribute(wager('round-0001', 1_000n, 'game-a'))
      expect(replayA).toEqual({ replayed: true, result: a.result })
      // Another body under the same caller and key is still a conflict.
      await expect(h.store.contribute(wager('round-0001', 5n, 'game-b'))).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      )
      expect((await readWholeLedger(h.store, { kind: 'contribution' })).length).toBe(2)
    })

    test('applies a configuration change made between two batches to the second', async () => {
      const before = await h.store.contribute(wager('cfg-1', 10_000n))
      const minor = (await h.store.listPools()).find((p) => p.slug === 'minor')!
      await h.store.updatePoolConfig({
        slug: 'minor',
        expectedVersion: minor.version,
        contributionBp: 300,
        actor: 'ada',
      })
      const after = await h.store.contribute(wager('cfg-2', 10_000n))
      const split = (receipt: typeof before) => receipt.result.pools.find((p) => p.slug === 'minor')!
      expect(split(after).contributedCents).toBe((10_000n * 300n) / 10_000n)
      expect(split(after).contributedCents).not.toBe(split(before).contributedCents)
    })

    test('applies a win between contributions in arrival order, ledger ids in the same order', async () => {
      await h.usePools([SMALL])
      const [c1, win, c2] = await Promise.all([
        h.store.contribute(wager('ord-1', 10_000n)),
        h.store.win({ idempotencyKey: 'ord-w', pool: 'small', gameId: 'slots-1', playerId: 'p1' }),
        h.store.contribute(wager('ord-2', 10_000n)),
      ])
      // 1 % of 10 000 = 100 cents each; the win pays what the first left, the second starts from the seed.
      expect(c1.result.pools[0]!.amountCents).toBe(1_100n)
      expect(win.result.payoutCents).toBe(1_100n)
      expect(c2.result.pools[0]!.amountCents).toBe(1_100n)
      expect(BigInt(c1.result.id) < BigInt(win.result.id)).toBe(true)
      expect(BigInt(win.result.id) < BigInt(c2.result.id)).toBe(true)
      const entries = await readWholeLedger(h.store)
      const reset = entries.find((e) => e.kind === 'reset')!
      expect(reset.parentId).toBe(win.result.id)
      expect(BigInt(reset.id) < BigInt(c2.result.id)).toBe(true)
      const [pool] = await h.store.listPools()
      expect(replayLedger(entries).get('small')).toEqual(figuresOf(pool!))
    })

    test('tells onWritesSettled listeners every write of a batch, replays and refusals included', async () => {
      const first = await h.store.contribute(wager('settled-1', 1_000n))
      const calls: SettledWrite[][] = []
      const dispose = h.store.onWritesSettled((writes) => calls.push([...writes]))
      const [fresh, replay, conflict] = await Promise.allSettled([
        h.store.contribute(wager('settled-2', 1_000n)),
        h.store.contribute(wager('settled-1', 1_000n)),
        h.store.contribute(wager('settled-1', 2_000n)),
      ])
      dispose()
      expect(fresh.status === 'fulfilled' && replay.status === 'fulfilled').toBe(true)
      expect(conflict).toMatchObject({ status: 'rejected', reason: { code: 'E_IDEMPOTENCY_CONFLICT' } })
      expect(calls).toEqual([
        [
          {
            kind: 'contribution',
            ok: true,
            createdAt: (fresh as PromiseFulfilledResult<typeof first>).value.result.createdAt,
          },
          { kind: 'contribution', ok: true, createdAt: first.result.createdAt },
          { kind: 'contribution', ok: false, error: (conflict as PromiseRejectedResult).reason },
        ],
      ])
    })

    test('tells onWritesSettled listeners that every write of a failed batch failed with its reason', async () => {
      const outage = new DatabaseUnavailableError('connection refused')
      h.intercept((operation, call) => (WRITE_OPERATIONS.has(operation) ? Promise.reject(outage) : call()))
      const calls: SettledWrite[][] = []
      const dispose = h.store.onWritesSettled((writes) => calls.push([...writes]))
      const results = await Promise.allSettled([
        h.store.contribute(wager('down-1', 1_000n)),
        h.store.win({ idempotencyKey: 'down-2', pool: 'minor', gameId: 'slots-1', playerId: 'p1' }),
      ])
      dispose()
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
      expect(calls.flat()).toEqual([
        { kind: 'contribution', ok: false, error: outage },
        { kind: 'win', ok: false, error: outage },
      ])
    })

    test('tells onPoolsChanged listeners once per batch, with every pool after it', async () => {
      const calls: { slugs: string[]; amounts: bigint[] | undefined }[] = []
      const dispose = h.store.onPoolsChanged((slugs, pools) =>
        calls.push({ slugs, amounts: pools?.map((p) => p.amountCents) }),
      )
      const [a, b] = await Promise.all([
        h.store.contribute(wager('evt-1', 1_000n)),
        h.store.contribute(wager('evt-2', 1_000n)),
      ])
      dispose()
      expect(calls).toEqual([
        { slugs: ['major', 'mega', 'minor'], amounts: b.result.pools.map((p) => p.amountCents) },
      ])
      expect(a.result.pools[0]!.amountCents < b.result.pools[0]!.amountCents).toBe(true)
    })
  })
}

const SMALL: PoolDefinition = {
  slug: 'small',
  name: 'Small',
  seedCents: 1_000n,
  contributionBp: 100,
  ceilingCents: null,
}
