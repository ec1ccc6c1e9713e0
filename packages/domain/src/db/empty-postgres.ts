import postgres from 'postgres'
import { RestoreTargetNotEmptyError } from './restore-pglite.ts'

/**
 * Refuses a restore target that already holds a table, view or sequence outside
 * PostgreSQL's own schemas: `pg_restore` into it would mix two ledgers.
 *
 * @throws RestoreTargetNotEmptyError when it is not empty; the driver's error when unreachable.
 * @example
 * await assertEmptyPostgres('postgres://postgres@127.0.0.1/jackpot_restore')
 */
export async function assertEmptyPostgres(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    const [row] = await sql<{ relations: number }[]>`
      select count(*)::int as relations
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`
    if ((row?.relations ?? 0) > 0) throw new RestoreTargetNotEmptyError(redact(url))
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/** The URL without its password, fit for a message. */
function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return `database ${parsed.toString()}`
  } catch {
    return 'the database'
  }
}
