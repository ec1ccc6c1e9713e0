import { createHash } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import { DAY_MS, listLedgerPartitions, nextUtcDay, utcDay } from './db/ledger-partitions.ts'
import { idempotencyKeyWindow, pastIdempotencyKeys } from './db/schema.ts'
import { resultRows } from './write-batch/sql-arrays.ts'

/** How long a key answers a replay, unless configured (`IDEMPOTENCY_RETENTION_DAYS`). */
export const DEFAULT_IDEMPOTENCY_RETENTION_DAYS = 7

/**
 * The 16-byte digest a key is found by, hex: sha256 of the caller's scope, a 0
 * byte and the key. The 0 byte cannot occur in either (PostgreSQL text holds no
 * NUL), so two (scope, key) pairs never feed sha256 the same bytes. The SQL
 * function `jackpot_key_digest` (migration 0007), which each day partition of
 * the ledger entries indexes, computes the same bytes as a uuid.
 *
 * @example
 * keyDigest('api-key-id', 'round-42') // 32 hex characters
 */
export function keyDigest(scope: string, key: string): string {
  return createHash('sha256')
    .update(scope)
    .update(new Uint8Array([0]))
    .update(key)
    .digest('hex')
    .slice(0, 32)
}

/**
 * What `past_idempotency_keys` keeps of a key: the first 8 bytes of its digest
 * as a signed bigint.
 *
 * @example
 * keyPrefix(keyDigest('', 'round-42')) // a bigint
 */
export function keyPrefix(hexDigest: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${hexDigest.slice(0, 16)}`))
}

/** `keyPrefix` in SQL, of a uuid digest. */
const KEY_PREFIX_OF_UUID = (digest: SQL): SQL =>
  sql`('x' || substr(replace(${digest}::text, '-', ''), 1, 16))::bit(64)::bigint`

/** The instant before which a key written is past its retention. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS)
}

/** The name of a ledger_entries day partition's key index (made with the partition, migration 0007). */
export function keyIndexName(partition: string): string {
  return `${partition}_key_digest_idx`
}

/**
 * How long after a UTC day ends its keys are settled: a replica whose clock runs
 * behind may still write into it for a moment, and a key written into a day
 * already settled would be in neither place a lookup reads.
 */
export const SETTLE_AFTER_MS = 60 * 60_000

/** What the key upkeep did. */
export interface IdempotencyUpkeep {
  /** Keys of closed days copied into `past_idempotency_keys`. */
  settled: number
  /** The days whose key index was dropped, past the retention: their keys now answer "expired". */
  retired: string[]
}

/**
 * The upkeep of the idempotency keys, in short steps so writes never wait on
 * it (run at start-up in the background, and hourly, by the store):
 *
 * 1. settle each closed day (over for an hour) not settled yet, oldest first:
 *    copy its keys' 8-byte prefixes, with the day, into
 *    `past_idempotency_keys`, then move the window's start past it, so
 *    lookups read that one table instead of the day's own index. The window
 *    only moves past days that have a partition and were settled: a day with
 *    none yet (a history written back-dated into an empty database) is
 *    settled once it has one;
 * 2. retire each settled day wholly past the retention: drop its key index.
 *    Its prefixes then refuse its keys as expired.
 *
 * Replicas doing this at once do the same work twice, harmlessly: the copy
 * skips prefixes already there, the window only moves forward.
 *
 * @example
 * await maintainIdempotencyKeys(db, new Date(), 7)
 */
export async function maintainIdempotencyKeys(
  db: Executor,
  now: Date,
  retentionDays: number,
): Promise<IdempotencyUpkeep> {
  const settleBefore = utcDay(new Date(now.getTime() - SETTLE_AFTER_MS))
  const firstKeptDay = utcDay(retentionCutoff(now, retentionDays))
  const keysFrom = await readKeyWindowDay(db)
  const partitions = (await listLedgerPartitions(db)).filter(
    (partition) => partition.table === 'ledger_entries',
  )
  let settled = 0
  for (const partition of partitions.filter((p) => p.day >= keysFrom && p.day < settleBefore)) {
    settled += await db.transaction(async (tx) => {
      // A day of a draw rush is millions of keys: more than a request's statement_timeout.
      await tx.execute(sql`SET LOCAL statement_timeout = 0`)
      return copyKeysToPast(tx, partition.name, partition.day)
    })
    await moveKeyWindow(db, nextUtcDay(partition.day))
  }
  const settledUpTo = await readKeyWindowDay(db)
  const indexed = await keyIndexedPartitions(db)
  const retired = partitions.filter(
    (partition) => indexed.has(partition.name) && partition.day < firstKeptDay && partition.day < settledUpTo,
  )
  for (const partition of retired) {
    await db.execute(sql`DROP INDEX IF EXISTS ${sql.identifier(keyIndexName(partition.name))}`)
  }
  return { settled, retired: retired.map((partition) => partition.day) }
}

/**
 * Settles these ledger_entries partitions' keys into `past_idempotency_keys`
 * with no day, and drops their key indexes, in the caller's transaction: for
 * archival, before a day leaves the database (a replay of one of its keys is
 * then refused as expired, never taken as new). Returns how many keys it copied.
 */
export async function retireKeysOf(
  tx: Executor,
  partitions: ReadonlyArray<{ name: string; day: string }>,
): Promise<number> {
  let copied = 0
  for (const partition of partitions) {
    copied += await copyKeysToPast(tx, partition.name, null)
    await tx.execute(sql`DROP INDEX IF EXISTS ${sql.identifier(keyIndexName(partition.name))}`)
  }
  return copied
}

/**
 * Copies one ledger_entries partition's keys, as prefixes, into
 * `past_idempotency_keys` with `day`, or with NULL (no day to look in: the key
 * answers "expired") for a day leaving the database, overwriting the day a
 * prefix may already have. Returns how many keys the partition holds.
 */
async function copyKeysToPast(tx: Executor, partition: string, day: string | null): Promise<number> {
  const result = await tx.execute(sql`
    WITH keys AS (
      SELECT ${KEY_PREFIX_OF_UUID(sql`jackpot_key_digest(idempotency_scope, idempotency_key)`)} AS prefix
      FROM ${sql.identifier(partition)} WHERE idempotency_key IS NOT NULL
    ), kept AS (
      INSERT INTO ${pastIdempotencyKeys} (key_prefix, day) SELECT prefix, ${day}::date FROM keys
      ${day === null ? sql`ON CONFLICT (key_prefix) DO UPDATE SET day = NULL` : sql`ON CONFLICT (key_prefix) DO NOTHING`}
    )
    SELECT count(*)::int AS keys FROM keys`)
  return Number(resultRows<{ keys: number }>(result)[0]?.keys ?? 0)
}

/** The UTC day the key window starts at, `YYYY-MM-DD`. */
async function readKeyWindowDay(db: Executor): Promise<string> {
  const [row] = await db
    .select({ day: sql<string>`to_char(${idempotencyKeyWindow.keysFrom} AT TIME ZONE 'UTC', 'YYYY-MM-DD')` })
    .from(idempotencyKeyWindow)
  return row?.day ?? '1970-01-01'
}

/** Moves the start of the key window forward to `day` (never back). */
async function moveKeyWindow(db: Executor, day: string): Promise<void> {
  await db.execute(sql`
    UPDATE ${idempotencyKeyWindow}
    SET keys_from = greatest(keys_from, ${`${day}T00:00:00Z`}::timestamptz)`)
}

/** The names of the ledger_entries partitions that still have their key index. */
async function keyIndexedPartitions(db: Executor): Promise<Set<string>> {
  const result = await db.execute(sql`
    SELECT child.relname AS name FROM pg_inherits i
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE i.inhparent = 'public.ledger_entries'::regclass
      AND to_regclass(format('public.%I', child.relname || '_key_digest_idx')) IS NOT NULL`)
  return new Set(resultRows<{ name: string }>(result).map((row) => row.name))
}

/**
 * Opens the key window back to `day` and gives every ledger_entries partition
 * its key index back: for a history written back-dated into days the upkeep
 * may already have settled as empty (seed-history on a new database), so every
 * key written there is found until the upkeep settles it.
 */
export async function reopenKeyWindow(db: Executor, day: string): Promise<void> {
  await db.execute(sql`
    UPDATE ${idempotencyKeyWindow}
    SET keys_from = least(keys_from, ${`${day}T00:00:00Z`}::timestamptz)`)
  await ensureKeyIndexes(db)
}

/** Gives every ledger_entries partition its key index back, where one was dropped. */
async function ensureKeyIndexes(db: Executor): Promise<void> {
  await db.execute(sql`
    SELECT jackpot_ensure_key_index(child.relname) FROM pg_inherits i
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE i.inhparent = 'public.ledger_entries'::regclass`)
}
