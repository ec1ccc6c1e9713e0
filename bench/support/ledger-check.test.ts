import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { openJackpot } from '@jackpot/domain'
import { runPostgresSuite } from '@jackpot/domain/testing'
import { SQL } from 'bun'
import { type BenchDatabase, createBenchDatabase } from './bench-database.ts'
import type { KeyAnswer } from './contribution-load.ts'
import { checkLedger, checkPoolIdentities, ledgerHolds } from './ledger-check.ts'

const created: KeyAnswer = { status: 201, replayed: false, retryAfter: null }
const refused: KeyAnswer = { status: 503, replayed: false, retryAfter: '1' }

if (await runPostgresSuite('bench ledger check')) {
  describe('the contribution benches’ ledger check (PostgreSQL)', () => {
    let database: BenchDatabase

    beforeAll(async () => {
      database = await createBenchDatabase('check')
      const store = await openJackpot({ databaseUrl: database.url, poolSize: 1 })
      try {
        // As contributions.lua sends them: the key is also the player id.
        for (const key of ['k-1-1', 'k-1-2', 'k-1-3'])
          await store.contribute({
            idempotencyKey: key,
            gameId: 'g',
            playerId: key,
            wagerCents: 2537n,
            currency: 'EUR',
          })
      } finally {
        await store.close()
      }
    })
    afterAll(() => database?.drop())

    test('holds when every 201 is recorded once and no other answer is', async () => {
      const keys = ['k-1-1', 'k-1-2', 'k-1-3', 'k-1-4', 'k-1-5']
      const answers = new Map([
        ['k-1-1', created],
        ['k-1-2', created],
        ['k-1-4', refused],
      ])
      const check = await checkLedger(database.url, keys, answers)
      expect(ledgerHolds(check)).toBe(true)
      expect(check).toMatchObject({
        entries: 3,
        answered201: 2,
        recorded201: 2,
        foreign: 0,
        wrongLineCount: 0,
      })
      expect(check.recordedUnanswered).toEqual(['k-1-3'])
      expect(check.unrecordedUnanswered).toEqual(['k-1-5'])
    })

    test('flags a key answered 503 that the ledger holds, and a 201 it lacks', async () => {
      const keys = ['k-1-1', 'k-1-2', 'k-1-3', 'k-1-9']
      const answers = new Map([
        ['k-1-1', created],
        ['k-1-2', refused],
        ['k-1-3', created],
        ['k-1-9', created],
      ])
      const check = await checkLedger(database.url, keys, answers)
      expect(ledgerHolds(check)).toBe(false)
      expect(check.recordedDespite).toEqual(new Map([[503, ['k-1-2']]]))
      expect(check.missing201).toEqual(['k-1-9'])
    })

    test('flags entries for keys the bench never sent', async () => {
      const check = await checkLedger(database.url, ['k-1-1', 'k-1-2'], new Map([['k-1-1', created]]))
      expect(check.foreign).toBe(1)
      expect(ledgerHolds(check)).toBe(false)
    })

    test('pool identities hold after real contributions and fail once a pool drifts from its ledger', async () => {
      expect(await checkPoolIdentities(database.url)).toEqual([])
      const sql = new SQL({ url: database.url, max: 1 })
      try {
        await sql`UPDATE pools SET residue = (residue + 1) % 10000, contributions_count = contributions_count + 1 WHERE slug = 'mega'`
      } finally {
        await sql.close()
      }
      const failures = (await checkPoolIdentities(database.url)).map(
        (failure) => `${failure.pool}: ${failure.identity}`,
      )
      expect(failures).toEqual([
        'mega: contributions_count = contribution lines',
        'mega: contributed × 10 000 + residue = Σ wager × bp',
      ])
    })
  })
}
