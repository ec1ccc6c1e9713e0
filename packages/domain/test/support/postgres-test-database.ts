import { randomBytes } from 'node:crypto'
import { runWithServices, type ServiceNeed, testServices } from '@jackpot/test-kit'
import postgres from 'postgres'

let availability: Promise<boolean> | undefined

/**
 * Whether the test PostgreSQL (`testServices().postgresUrl`) answers within
 * about a second. Asked once per process.
 *
 * @example
 * if (!(await postgresAvailable())) reportUnavailable('…')
 */
export function postgresAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const sql = adminClient()
    try {
      await sql`select 1`
      return true
    } catch {
      return false
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {})
    }
  })()
  return availability
}

/** `host:port` of the test PostgreSQL, for messages. */
export function postgresAddress(): string {
  return new URL(testServices().postgresUrl).host
}

/** A database of its own for one suite. */
export interface TestPostgresDatabase {
  url: string
  name: string
  /** Drops the database, disconnecting anyone still in it. */
  drop(): Promise<void>
}

/**
 * Creates a fresh, uniquely named database through the admin URL, so suites
 * running side by side never see each other's rows.
 *
 * @example
 * const database = await createTestPostgresDatabase()
 * try { await openJackpot({ databaseUrl: database.url }) } finally { await database.drop() }
 */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  if (!(await postgresAvailable())) {
    const required = testServices().servicesRequired ? ' (required under CI=true)' : ''
    throw new Error(`PostgreSQL is not reachable at ${postgresAddress()}${required}`)
  }
  const name = `jackpot_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const sql = adminClient()
  try {
    await sql.unsafe(`CREATE DATABASE "${name}"`)
  } finally {
    await sql.end({ timeout: 1 })
  }
  const url = new URL(testServices().postgresUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    async drop() {
      const admin = adminClient()
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await admin.end({ timeout: 1 })
      }
    },
  }
}

function adminClient() {
  return postgres(testServices().postgresUrl, { max: 1, connect_timeout: 1, onnotice: () => {} })
}

/** The test PostgreSQL as a need for test-kit's suite rule (answers `select 1`, not just its port). */
export function postgresNeed(): ServiceNeed {
  return { what: `PostgreSQL at ${postgresAddress()}`, available: postgresAvailable }
}

/**
 * Whether a PostgreSQL-only suite should be defined: test-kit's one rule (yes
 * when reachable or under CI=true, where its tests then fail; else reported).
 *
 * @example
 * if (await runPostgresSuite('packages/domain startup')) describe('on PostgreSQL', () => { ... })
 */
export function runPostgresSuite(suite: string): Promise<boolean> {
  return runWithServices(`${suite} PostgreSQL suite`, [postgresNeed()])
}
