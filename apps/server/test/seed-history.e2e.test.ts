import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { openJackpot } from '@jackpot/domain'
import {
  createTestPostgresDatabase,
  runPostgresSuite,
  runSql,
  type TestPostgresDatabase,
} from '@jackpot/domain/testing'
import { type CliRun, runCli } from './support/run-cli.ts'

function cli(databaseUrl: string, ...args: string[]): Promise<CliRun> {
  return runCli(args, { DATABASE_URL: databaseUrl })
}

if (await runPostgresSuite('apps/server seed-history')) {
  describe('end-to-end: bun run cli seed-history on PostgreSQL', () => {
    let database: TestPostgresDatabase

    beforeAll(async () => {
      database = await createTestPostgresDatabase()
      const store = await openJackpot({ databaseUrl: database.url, poolSize: 1 })
      await store.close()
    }, 60_000)

    afterAll(async () => {
      await database?.drop()
    })

    test('fills an empty database with progress, and verify-ledger accepts the ledger and its rollups', async () => {
      const seeded = await cli(
        database.url,
        'seed-history',
        '--contributions',
        '6000',
        '--days',
        '2',
        '--batch',
        '1500',
      )
      expect(seeded.code).toBe(0)
      expect(seeded.out).toContain('seeded 6000 contributions and 3 wins')
      expect(seeded.err).toContain('seed-history: 6000/6000 contributions (100 %)')
      // Two days back from now: the keys of the days already over were settled (the upkeep's
      // work, done as the seeding went), today's were not.
      const settled = Number(/settled (\d+) idempotency keys of closed days/.exec(seeded.err)?.[1])
      expect(settled).toBeGreaterThan(0)
      expect(settled).toBeLessThan(6003)
      const verified = await cli(database.url, 'verify-ledger')
      expect(verified.code).toBe(0)
      // 3 seed entries, 6000 contributions, 3 wins and their 3 resets.
      expect(verified.out).toContain('ledger verified: 6009 entries, 3 pools agree')
      expect(verified.out).toMatch(/rollups verified: \d+ pool-minutes, \d+ game-days agree/)
    }, 120_000)

    test('refuses a database that already has history, and verify-ledger catches a rollup that drifted', async () => {
      const again = await cli(database.url, 'seed-history', '--contributions', '10')
      expect(again.code).toBe(1)
      expect(again.err).toContain('seed-history only fills an empty database')
      await runSql(
        database.url,
        "update game_day_stats set contributions = contributions + 1 where game_id = 'game-7'",
      )
      const verified = await cli(database.url, 'verify-ledger')
      expect(verified.code).toBe(1)
      expect(verified.err).toMatch(/rollup divergence in game_day_stats at \d{4}-\d\d-\d\d game-7/)
    }, 60_000)

    test('explains a missing or bad --contributions, exiting 2', async () => {
      const missing = await cli(database.url, 'seed-history')
      expect(missing.code).toBe(2)
      expect(missing.err).toContain('--contributions must be a positive integer')
      const help = await cli(database.url, 'seed-history', '--help')
      expect(help.code).toBe(0)
      expect(help.out).toContain('bun run cli seed-history --contributions <N>')
    }, 30_000)
  })
}
