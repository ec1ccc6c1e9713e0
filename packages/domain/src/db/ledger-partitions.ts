import { sql } from 'drizzle-orm'
import { resultRows, textArray } from '../write-batch/sql-arrays.ts'
import type { Executor } from './database.ts'
import { sqlState } from './database-errors.ts'

/** The tables partitioned by UTC day on `created_at` (migration 0005), in the order they are made. */
export const PARTITIONED_LEDGER_TABLES = ['ledger_entries', 'ledger_lines', 'ledger_batch_pools'] as const

export type PartitionedLedgerTable = (typeof PARTITIONED_LEDGER_TABLES)[number]

/** One UTC day, ms. */
export const DAY_MS = 86_400_000

/** One day's partition of a ledger table. */
export interface LedgerPartition {
  table: PartitionedLedgerTable
  /** `<table>_pYYYYMMDD` */
  name: string
  /** The UTC day it holds, `YYYY-MM-DD`. */
  day: string
}

/**
 * The UTC day of an instant, `YYYY-MM-DD`: the day whose partition holds a row
 * written at `at`.
 *
 * @example
 * utcDay(new Date('2025-06-30T23:59:59Z')) // '2025-06-30'
 */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}

/**
 * The UTC day after `day` (`YYYY-MM-DD`).
 *
 * @example
 * nextUtcDay('2025-06-30') // '2025-07-01'
 */
export function nextUtcDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS))
}

/**
 * The name of `table`'s partition for `day`.
 *
 * @example
 * partitionName('ledger_entries', '2025-06-30') // 'ledger_entries_p20250630'
 */
export function partitionName(table: PartitionedLedgerTable, day: string): string {
  return `${table}_p${day.replaceAll('-', '')}`
}

/**
 * Makes the partitions of every ledger table for the UTC days of `days` that
 * have none (one statement; the SQL function takes a lock per partition, so
 * replicas doing this at once take turns). Returns the names made or found.
 *
 * @example
 * await ensureDayPartitions(db, ['2025-06-30'])
 */
export async function ensureDayPartitions(db: Executor, days: readonly string[]): Promise<string[]> {
  const unique = [...new Set(days)]
  if (unique.length === 0) return []
  const result = await db.execute(sql`
    SELECT jackpot_ensure_day_partition(t.name, d.day::date) AS name
    FROM unnest(${textArray([...PARTITIONED_LEDGER_TABLES])}::text[]) WITH ORDINALITY AS t(name, n),
         unnest(${textArray(unique)}::text[]) AS d(day)
    ORDER BY d.day, t.n`)
  return resultRows<{ name: string }>(result).map((row) => row.name)
}

/**
 * Makes the partitions for today (UTC, by `now`) and the `days` after it, so
 * writes never wait on DDL. Called when the store opens and hourly after.
 *
 * @example
 * await ensurePartitionsAhead(db, 7, new Date())
 */
export async function ensurePartitionsAhead(db: Executor, days: number, now: Date): Promise<string[]> {
  const start = Date.parse(`${utcDay(now)}T00:00:00Z`)
  const wanted: string[] = []
  for (let i = 0; i <= Math.max(0, Math.floor(days)); i++) wanted.push(utcDay(new Date(start + i * DAY_MS)))
  return ensureDayPartitions(db, wanted)
}

/**
 * The partitions attached to the ledger tables, oldest day first.
 *
 * @example
 * const partitions = await listLedgerPartitions(db)
 */
export async function listLedgerPartitions(db: Executor): Promise<LedgerPartition[]> {
  const result = await db.execute(sql`
    SELECT parent.relname AS "table", child.relname AS name
    FROM pg_inherits i
    JOIN pg_class parent ON parent.oid = i.inhparent
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE parent.relname = ANY(${textArray([...PARTITIONED_LEDGER_TABLES])}::text[])
      AND parent.relnamespace = 'public'::regnamespace`)
  return resultRows<{ table: PartitionedLedgerTable; name: string }>(result)
    .map((row) => {
      const digits = row.name.slice(-8)
      return {
        table: row.table,
        name: row.name,
        day: `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`,
      }
    })
    .sort(
      (a, b) =>
        a.day.localeCompare(b.day) ||
        PARTITIONED_LEDGER_TABLES.indexOf(a.table) - PARTITIONED_LEDGER_TABLES.indexOf(b.table),
    )
}

/**
 * Detaches `table`'s partition for `day`: its rows leave the ledger (and every
 * query of it) but stay in a table of their own until it is dropped. For
 * archival, after the day has been written out and read back.
 *
 * @example
 * await detachLedgerPartition(db, 'ledger_lines', '2025-06-30')
 */
export async function detachLedgerPartition(
  db: Executor,
  table: PartitionedLedgerTable,
  day: string,
): Promise<void> {
  await db.execute(sql.raw(`ALTER TABLE "${table}" DETACH PARTITION "${partitionName(table, day)}"`))
}

/**
 * Drops a detached partition (`DROP` is not a row change, so the append-only
 * trigger does not refuse it). Refuses a partition that is still attached.
 *
 * @example
 * await dropDetachedPartition(db, 'ledger_lines', '2025-06-30')
 */
export async function dropDetachedPartition(
  db: Executor,
  table: PartitionedLedgerTable,
  day: string,
): Promise<void> {
  const name = partitionName(table, day)
  const attached = (await listLedgerPartitions(db)).some((partition) => partition.name === name)
  if (attached) throw new Error(`${name} is still attached: detach it before dropping it`)
  await db.execute(sql.raw(`DROP TABLE IF EXISTS "${name}"`))
}

/**
 * Whether an error is PostgreSQL refusing a row for want of a partition
 * ("no partition of relation … found for row", SQLSTATE 23514).
 */
export function isMissingPartition(error: unknown): boolean {
  if (sqlState(error) !== '23514') return false
  for (let link: unknown = error; link instanceof Error; link = link.cause) {
    if (/no partition of relation/i.test(link.message)) return true
  }
  return false
}

/**
 * Runs `work` (one transaction) and, when a row met a UTC day without a
 * partition, makes the partitions of the days `days()` names and runs it once
 * more: a write on a day nobody made ahead of time costs one retry, never an error.
 *
 * @example
 * await withDayPartitions(db, () => [utcDay(now)], () => db.transaction((tx) => write(tx)))
 */
export async function withDayPartitions<T>(
  db: Executor,
  days: () => readonly string[],
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!isMissingPartition(error)) throw error
    await ensureDayPartitions(db, days())
    return work()
  }
}
