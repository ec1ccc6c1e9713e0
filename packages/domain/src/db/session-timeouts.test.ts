import { afterAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { createTestPostgresDatabase, runPostgresSuite } from '../../test/support/index.ts'
import { connectDatabase } from './connect-database.ts'
import { isConnectionFailure, sqlState } from './database-errors.ts'

if (await runPostgresSuite('packages/domain session timeouts')) {
  // Started at the top level (top-level await), so the suite reads `connected` as a constant.
  const database = await createTestPostgresDatabase()
  const connected = await connectDatabase({
    databaseUrl: database.url,
    pgliteDataDir: 'memory://',
    poolSize: 2,
    connectTimeoutSeconds: 5,
    statementTimeoutMs: 300,
    lockTimeoutMs: 150,
  })
  await connected.migrate()
  afterAll(async () => {
    await connected.close()
    await database.drop()
  })

  describe('PostgreSQL sessions carry statement_timeout and lock_timeout', () => {
    test('every pooled session has the configured timeouts', async () => {
      const rows = await connected.db.execute<{ statement: string; lock: string }>(
        sql`select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock`,
      )
      expect([...(rows as Iterable<unknown>)][0]).toEqual({ statement: '300ms', lock: '150ms' })
    })

    test('PostgreSQL cancels a statement that runs past statement_timeout, as an unavailable database', async () => {
      const error = await connected.db.execute(sql`select pg_sleep(2)`).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(sqlState(error)).toBe('57014')
      expect(isConnectionFailure(error)).toBe(true)
    })

    test('a lock wait past lock_timeout fails instead of queueing', async () => {
      await connected.db.transaction(async (holder) => {
        await holder.execute(sql`lock table pools in access exclusive mode`)
        const error = await connected.db.execute(sql`select count(*) from pools`).then(
          () => undefined,
          (caught: unknown) => caught,
        )
        expect(sqlState(error)).toBe('55P03')
        expect(isConnectionFailure(error)).toBe(true)
      })
    })
  })
}
