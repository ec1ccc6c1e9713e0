/**
 * A fresh, uniquely named PostgreSQL database per bench run, migrated and
 * seeded exactly as the server would (`openJackpot`), dropped afterwards: runs
 * side by side never share rows, and nothing is left behind.
 */
import { randomBytes } from 'node:crypto'
import { openJackpot } from '@jackpot/domain'
import { testServices } from '@jackpot/test-kit'
import { SQL } from 'bun'

export interface BenchDatabase {
  url: string
  name: string
  /** Drops it, disconnecting anyone still in it. */
  drop(): Promise<void>
}

/**
 * Creates `jackpot_bench_<label>_<pid>_<random>` through the admin URL
 * (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * and applies the project's migrations and default pools to it.
 *
 * @example
 * const database = await createBenchDatabase('anchor')
 * try { … } finally { await database.drop() }
 */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const admin = testServices().postgresUrl
  const name = `jackpot_bench_${label}_${process.pid}_${randomBytes(4).toString('hex')}`
  await withAdmin(admin, (sql) => sql.unsafe(`CREATE DATABASE "${name}"`))
  const url = new URL(admin)
  url.pathname = `/${name}`
  const database: BenchDatabase = {
    url: url.toString(),
    name,
    drop: () => withAdmin(admin, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  }
  try {
    const store = await openJackpot({ databaseUrl: database.url, poolSize: 1 })
    await store.close()
  } catch (error) {
    await database.drop()
    throw error
  }
  return database
}

// Bun's own PostgreSQL client: the bench folder needs no driver dependency of its own.
async function withAdmin(url: string, run: (sql: SQL) => Promise<unknown>): Promise<void> {
  const sql = new SQL({ url, max: 1, connectionTimeout: 2 })
  try {
    await run(sql)
  } catch (error) {
    throw new Error(`PostgreSQL at ${new URL(url).host}: ${error instanceof Error ? error.message : error}`)
  } finally {
    await sql.close({ timeout: 1 })
  }
}
