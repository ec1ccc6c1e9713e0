import { describe, expect, test } from 'bun:test'
import { type DrizzleJackpotStore, IdempotencyKeyExpiredError, verifyLedger } from '../../src/index.ts'
import { CAPPED } from './contribution.case.ts'
import type { StoreHarness } from './store-harness.ts'

const DAY = 86_400_000

export function historyUpkeepCases(h: StoreHarness): void {
  const upkeep = () => (h.store as DrizzleJackpotStore).maintainHistory()
  const wager = (key: string, wagerCents = 500n) =>
    h.store.contribute({ idempotencyKey: key, gameId: 'g', wagerCents, currency: 'EUR', caller: 'api-key-1' })

  describe('idempotency retention', () => {
    test('answers a replay for the whole retention window with the first result', async () => {
      const first = await wager('k-1')
      h.clock.advance(7 * DAY - 60_000)
      expect(await wager('k-1')).toEqual({ replayed: true, result: first.result })
    })

    test('refuses a key past the retention as expired, before and after its day is retired, and applies nothing', async () => {
      const day = h.clock.now().toISOString().slice(0, 10)
      await wager('k-1')
      await h.store.win({
        idempotencyKey: 'w-1',
        pool: 'minor',
        gameId: 'g',
        playerId: 'p',
        caller: 'api-key-1',
      })
      h.clock.advance(7 * DAY + 60_000)
      const before = await h.store.listPools()
      // No upkeep yet: the key's age alone refuses it.
      await expect(wager('k-1')).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
      // The upkeep settles the closed day's keys and, once the cutoff is past the whole day,
      // drops its key index: only 8 bytes of each digest are left.
      h.clock.advance(DAY)
      const first = await upkeep()
      expect(first.settledKeys).toBe(2)
      expect(first.retiredKeyDays).toContain(day)
      expect(await upkeep()).toMatchObject({ settledKeys: 0, retiredKeyDays: [] })
      // Retired: the prefix alone still refuses the key, whatever the body.
      await expect(wager('k-1')).rejects.toMatchObject({
        code: 'E_IDEMPOTENCY_KEY_EXPIRED',
        retentionDays: 7,
      })
      await expect(wager('k-1', 999n)).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
      await expect(
        h.store.win({
          idempotencyKey: 'w-1',
          pool: 'minor',
          gameId: 'g',
          playerId: 'p',
          caller: 'api-key-1',
        }),
      ).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
      expect(await h.store.listPools()).toEqual(before)
      // Another caller's key of the same name is its own, and new.
      const other = await h.store.contribute({
        idempotencyKey: 'k-1',
        gameId: 'g',
        wagerCents: 500n,
        currency: 'EUR',
        caller: 'api-key-2',
      })
      expect(other.replayed).toBe(false)
      expect(await verifyLedger(h.store)).toMatchObject({ ok: true })
    })

    test('answers keys of settled days inside the window from their day, and refuses those past it', async () => {
      const oldDay = h.clock.now().toISOString().slice(0, 10)
      await wager('old')
      h.clock.advance(3 * DAY)
      const young = await wager('young')
      const youngDay = h.clock.now().toISOString().slice(0, 10)
      h.clock.advance(5 * DAY + 60_000)
      const upkept = await upkeep()
      expect(upkept.settledKeys).toBe(2)
      expect(upkept.retiredKeyDays).toContain(oldDay)
      expect(upkept.retiredKeyDays).not.toContain(youngDay)
      const before = await h.store.listPools()
      // Settled but inside the retention: its prefix leads to its day's index, and the entry.
      expect(await wager('young')).toEqual({ replayed: true, result: young.result })
      await expect(wager('young', 999n)).rejects.toMatchObject({ code: 'E_IDEMPOTENCY_CONFLICT' })
      await expect(wager('old')).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
      expect(await h.store.listPools()).toEqual(before)
      // A key never used is new, whatever the settled days hold.
      expect((await wager('new')).replayed).toBe(false)
    })

    test('answers settled keys through the in-memory filter: a replay replays, an expired key is refused, a new key is applied', async () => {
      const filter = (h.store as DrizzleJackpotStore).settledKeyFilter
      await wager('old')
      h.clock.advance(3 * DAY)
      const young = await wager('young')
      h.clock.advance(5 * DAY + 60_000)
      await upkeep()
      // Loaded after the upkeep: it holds both settled prefixes, and the table has not moved since.
      await filter.load()
      const before = filter.stats()
      expect(before.keys).toBeGreaterThanOrEqual(2)
      const pools = await h.store.listPools()
      expect(await wager('young')).toEqual({ replayed: true, result: young.result })
      await expect(wager('old')).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
      expect(await h.store.listPools()).toEqual(pools)
      expect((await wager('new')).replayed).toBe(false)
      const after = filter.stats()
      expect(after.filtered - before.filtered).toBe(3)
      expect(
        h.metrics.total('jackpot.settled_key_lookups', { 'jackpot.lookup': 'filtered' }),
      ).toBeGreaterThanOrEqual(3)
      expect(after.probedAll).toBe(before.probedAll)
      // 'new' (its scoped and its legacy digest) was ruled out without asking the table.
      expect(after.ruledOut - before.ruledOut).toBeGreaterThanOrEqual(2)
      expect(await verifyLedger(h.store)).toMatchObject({ ok: true })
    })

    test('refuses a key days past the retention as expired when no upkeep has run since it was written', async () => {
      await wager('k-late')
      const before = await h.store.listPools()
      // No upkeep for ten days (replicas down, or the upkeep failing): the key's day still has
      // its index, and lookups read every day the upkeep has not settled, so it is never new.
      h.clock.advance(10 * DAY)
      await expect(wager('k-late')).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
      expect(await h.store.listPools()).toEqual(before)
      expect(await upkeep()).toMatchObject({ settledKeys: 1 })
      await expect(wager('k-late')).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
    })
  })

  describe('ledger partitions', () => {
    test('makes the partition of a day nobody made ahead when a write reaches it, and the write succeeds', async () => {
      h.clock.advance(40 * DAY)
      const day = h.clock.now().toISOString().slice(0, 10).replaceAll('-', '')
      const before = await (h.store as DrizzleJackpotStore).ledgerPartitions()
      expect(before.some((partition) => partition.name === `ledger_entries_p${day}`)).toBe(false)
      const receipt = await wager('far-ahead')
      await h.store.win({ idempotencyKey: 'w-far', pool: 'major', gameId: 'g', playerId: 'p' })
      const after = await (h.store as DrizzleJackpotStore).ledgerPartitions()
      expect(
        after.filter((partition) => partition.day === receipt.result.createdAt.toISOString().slice(0, 10)),
      ).toEqual([
        expect.objectContaining({ table: 'ledger_entries', name: `ledger_entries_p${day}` }),
        expect.objectContaining({ table: 'ledger_lines', name: `ledger_lines_p${day}` }),
        expect.objectContaining({ table: 'ledger_batch_pools', name: `ledger_batch_pools_p${day}` }),
      ])
      expect(await verifyLedger(h.store)).toMatchObject({ ok: true })
    })

    test('makes today and the configured days ahead at each upkeep', async () => {
      h.clock.advance(100 * DAY)
      const made = (await upkeep()).partitions
      // Default: 7 days ahead, so 8 days of three tables.
      expect(made).toHaveLength(8 * 3)
      const today = h.clock.now().toISOString().slice(0, 10).replaceAll('-', '')
      expect(made[0]).toBe(`ledger_entries_p${today}`)
    })
  })
}

export function compactLedgerCases(h: StoreHarness): void {
  describe('compact ledger', () => {
    test("shows each contribution's split, recomputed from its batch's run, exactly as its receipt gave it", async () => {
      await h.usePools([
        CAPPED,
        { ...CAPPED, slug: 'slow', name: 'Slow', contributionBp: 37, ceilingCents: null },
      ])
      // Concurrent writes share batches; a win in the middle ends one run and starts another.
      const receipts = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          h.store.contribute({
            idempotencyKey: `c-${i}`,
            gameId: 'g',
            wagerCents: BigInt(37 + i * 91),
            currency: 'EUR',
          }),
        ),
      )
      await h.store.win({ idempotencyKey: 'w', pool: 'capped', gameId: 'g', playerId: 'p' })
      receipts.push(
        await h.store.contribute({
          idempotencyKey: 'c-last',
          gameId: 'g',
          wagerCents: 999n,
          currency: 'EUR',
        }),
      )
      const ledger = await h.store.ledger({ kind: 'contribution', limit: 100 })
      expect(ledger.entries).toHaveLength(13)
      for (const { result } of receipts) {
        const entry = ledger.entries.find((e) => e.id === result.id)!
        expect(
          entry.lines.map((line) => [
            line.pool,
            line.amountDeltaCents + line.reserveDeltaCents,
            line.reserveDeltaCents,
            line.amountAfterCents,
            line.reserveAfterCents,
          ]),
        ).toEqual(
          result.pools.map((pool) => [
            pool.slug,
            pool.contributedCents,
            pool.toReserveCents,
            pool.amountCents,
            pool.reserveCents,
          ]),
        )
      }
      // A replay rebuilds the same receipt from the recomputed split.
      const replay = await h.store.contribute({
        idempotencyKey: 'c-5',
        gameId: 'g',
        wagerCents: BigInt(37 + 5 * 91),
        currency: 'EUR',
      })
      expect(replay).toEqual({ replayed: true, result: receipts[5]!.result })
      expect((await h.store.ledger({ pool: 'slow', kind: 'contribution', limit: 100 })).entries).toHaveLength(
        13,
      )
      expect(await verifyLedger(h.store)).toMatchObject({ ok: true })
    })
  })
}
