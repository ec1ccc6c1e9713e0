import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type JackpotStore, openJackpot } from '@jackpot/domain'
import {
  createTestPostgresDatabase,
  runPostgresSuite,
  runSql,
  type TestPostgresDatabase,
} from '@jackpot/domain/testing'
import { type CliRun, runCli } from './support/run-cli.ts'

function verifyCli(databaseUrl: string): Promise<CliRun> {
  return runCli(['verify-ledger'], { DATABASE_URL: databaseUrl })
}

if (await runPostgresSuite('apps/server verify-ledger')) {
  describe('end-to-end: bun run cli verify-ledger on PostgreSQL', () => {
    let database: TestPostgresDatabase
    let store: JackpotStore
    let lastMinorEntry: string

    beforeAll(async () => {
      database = await createTestPostgresDatabase()
      store = await openJackpot({ databaseUrl: database.url, poolSize: 2 })
      for (let i = 0; i < 20; i++) {
        await store.contribute({
          idempotencyKey: `verify-${i}`,
          gameId: 'slots-1',
          wagerCents: 1_234_567n,
          currency: 'EUR',
        })
      }
      await store.win({ idempotencyKey: 'verify-win', pool: 'minor', gameId: 'slots-1', playerId: 'p-1' })
      await store.contribute({
        idempotencyKey: 'verify-last',
        gameId: 'slots-1',
        wagerCents: 99n,
        currency: 'EUR',
      })
      const page = await store.ledger({ pool: 'minor', limit: 500 })
      lastMinorEntry = page.entries.at(-1)?.id ?? 'none'
    }, 60_000)

    afterAll(async () => {
      await store?.close()
      await database?.drop()
    })

    /** Corrupts the database with `sql` and expects verify-ledger to fail at the last minor entry, saying `detail`. */
    async function expectDivergenceAfter(sql: string, detail: string) {
      await runSql(database.url, sql)
      const { code, err } = await verifyCli(database.url)
      expect(code).toBe(1)
      expect(err).toContain(`ledger divergence at entry ${lastMinorEntry} (pool minor)`)
      expect(err).toContain(detail)
    }

    test('passes on a healthy database', async () => {
      const { code, out } = await verifyCli(database.url)
      expect(code).toBe(0)
      expect(out).toMatch(/ledger verified: \d+ entries, 3 pools agree/)
    }, 30_000)

    test('fails after one pool row is corrupted with SQL, naming the pool and its entry', async () => {
      // Conservation still holds on the row (the CHECK constraint would refuse otherwise): only a replay sees it.
      await expectDivergenceAfter(
        "update pools set amount_cents = amount_cents + 1, contributed_cents = contributed_cents + 1 where slug = 'minor'",
        'amountCents',
      )
    }, 30_000)

    test('fails when only the sub-cent residue of a pool row is changed, naming the entry', async () => {
      // Undo the corruption above, then move the carry alone: amounts and conservation stay right.
      await expectDivergenceAfter(
        "update pools set amount_cents = amount_cents - 1, contributed_cents = contributed_cents - 1, residue = (residue + 1) % 10000 where slug = 'minor'",
        'pool row residue is',
      )
    }, 30_000)
  })
}
