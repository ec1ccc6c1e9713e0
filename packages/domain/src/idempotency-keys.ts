import { createHash } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import { listLedgerPartitions, utcDay } from './db/ledger-partitions.ts'
import { idempotencyKeyWindow } from './db/schema.ts'
import { resultRows } from './write-batch/sql-arrays.ts'

/** How long a key answers a replay, unless configured (`IDEMPOTENCY_RETENTION_DAYS`). */
export const DEFAULT_IDEMPOTENCY_RETENTION_DAYS = 7

const DAY_MS = 86_400_000

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
 * What `expired_idempotency_keys` keeps of a key: the first 8 bytes of its
 * digest as a signed bigint.
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

/** What sweeping expired keys did. */
export interface IdempotencySweep {
  /** Keys whose day left the key index, now recognised by their 8-byte prefix only. */
  expired: number
  /** The ledger_entries partitions whose key index was dropped. */
  days: string[]
}

/**
 * Takes the days wholly past the retention out of the key index, oldest first,
 * each in two short steps so writes never wait on it: copy the day's keys to
 * `expired_idempotency_keys` (8 bytes each; writers only read that table), then,
 * in a transaction of its own, move the window past the day and drop the day's
 * key index. A key is always found in one place or the other, and in both for
 * a moment, which answers the same. Run at start-up (in the background) and
 * hourly by the store; replicas sweeping at once do the same work twice,
 * harmlessly. The day the cutoff falls in keeps its index: its keys older than
 * the cutoff are refused by age (see `applyWriteBatch`).
 *
 * @example
 * await sweepIdempotencyKeys(db, new Date(), 7)
 */
export async function sweepIdempotencyKeys(
  db: Executor,
  now: Date,
  retentionDays: number,
): Promise<IdempotencySweep> {
  const firstKeptDay = utcDay(retentionCutoff(now, retentionDays))
  const past = (await indexedEntryPartitions(db)).filter((partition) => partition.day < firstKeptDay)
  let expired = 0
  for (const partition of past) {
    expired += await db.transaction(async (tx) => {
      // A day of a draw rush is millions of keys: more than a request's statement_timeout.
      await tx.execute(sql`SET LOCAL statement_timeout = 0`)
      return copyKeysToExpired(tx, partition.name)
    })
    await db.transaction(async (tx) => {
      await moveKeyWindow(tx, nextDay(partition.day))
      await tx.execute(sql`DROP INDEX IF EXISTS ${sql.identifier(keyIndexName(partition.name))}`)
    })
  }
  await moveKeyWindow(db, firstKeptDay)
  return { expired, days: past.map((partition) => partition.day) }
}

/**
 * Moves these ledger_entries partitions' keys to `expired_idempotency_keys` and
 * drops their key indexes, in the caller's transaction: for archival, before a
 * day leaves the database (a replay of one of its keys is then refused as
 * expired, never taken as new). Returns how many keys it moved.
 */
export async function expireKeysOf(
  tx: Executor,
  partitions: ReadonlyArray<{ name: string }>,
): Promise<number> {
  let expired = 0
  for (const { name } of partitions) {
    expired += await copyKeysToExpired(tx, name)
    await tx.execute(sql`DROP INDEX IF EXISTS ${sql.identifier(keyIndexName(name))}`)
  }
  return expired
}

/** Copies one ledger_entries partition's keys, as prefixes, into `expired_idempotency_keys`; returns how many. */
async function copyKeysToExpired(tx: Executor, partition: string): Promise<number> {
  const result = await tx.execute(sql`
    WITH keys AS (
      SELECT ${KEY_PREFIX_OF_UUID(sql`jackpot_key_digest(idempotency_scope, idempotency_key)`)} AS prefix
      FROM ${sql.identifier(partition)} WHERE idempotency_key IS NOT NULL
    ), kept AS (
      INSERT INTO expired_idempotency_keys (key_prefix) SELECT prefix FROM keys
      ON CONFLICT (key_prefix) DO NOTHING
    )
    SELECT count(*)::int AS keys FROM keys`)
  return Number(resultRows<{ keys: number }>(result)[0]?.keys ?? 0)
}

/** Moves the start of the key window forward to `day` (never back). */
async function moveKeyWindow(db: Executor, day: string): Promise<void> {
  await db.execute(sql`
    UPDATE ${idempotencyKeyWindow}
    SET keys_from = greatest(keys_from, ${`${day}T00:00:00Z`}::timestamptz)`)
}

function nextDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS))
}

/** The ledger_entries partitions that still have their key index, oldest first. */
export async function indexedEntryPartitions(db: Executor): Promise<{ name: string; day: string }[]> {
  const result = await db.execute(sql`
    SELECT child.relname AS name FROM pg_inherits i
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE i.inhparent = 'public.ledger_entries'::regclass
      AND to_regclass(format('public.%I', child.relname || '_key_digest_idx')) IS NOT NULL`)
  const names = new Set(resultRows<{ name: string }>(result).map((row) => row.name))
  return (await listLedgerPartitions(db))
    .filter((partition) => partition.table === 'ledger_entries' && names.has(partition.name))
    .map(({ name, day }) => ({ name, day }))
}
