import { createHash } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import { resultRows } from './write-batch/sql-arrays.ts'

/** How long a key answers a replay, unless configured (`IDEMPOTENCY_RETENTION_DAYS`). */
export const DEFAULT_IDEMPOTENCY_RETENTION_DAYS = 7

const DAY_MS = 86_400_000

/**
 * The 16-byte digest a key is stored and found by, hex: sha256 of the caller's
 * scope, a 0 byte and the key. The 0 byte cannot occur in either (PostgreSQL
 * text holds no NUL), so two (scope, key) pairs never feed sha256 the same bytes.
 * Migration 0005 computes the same digest in SQL for the keys it moved.
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
 * A request hash as the keys table keeps it: its first 16 bytes, hex. 128 bits
 * keep "same key, other request" apart as surely as the whole hash does in practice.
 */
export function compactRequestHash(hash: string): string {
  return hash.slice(0, 32)
}

/** The instant before which a key written is past its retention. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS)
}

/**
 * SQL for the first 8 bytes of a hex digest as a signed bigint: what
 * `expired_idempotency_keys` keeps of a key (see migration 0005).
 */
export const KEY_PREFIX_SQL = (hexDigest: SQL): SQL =>
  sql`('x' || substr(${hexDigest}, 1, 16))::bit(64)::bigint`

/** What sweeping expired keys did. */
export interface IdempotencySweep {
  /** Keys moved from `idempotency_keys` to `expired_idempotency_keys`. */
  expired: number
}

/**
 * Moves the keys older than the retention out of the hot table, leaving 8 bytes
 * of their digests behind so a late replay is refused as expired rather than taken as
 * new. One statement, so a key is never in neither table. Run hourly by the store.
 *
 * @example
 * await sweepIdempotencyKeys(db, new Date(), 7)
 */
export async function sweepIdempotencyKeys(
  db: Executor,
  now: Date,
  retentionDays: number,
): Promise<IdempotencySweep> {
  const result = await db.execute(sql`
    WITH moved AS (
      DELETE FROM idempotency_keys
      WHERE created_at < ${retentionCutoff(now, retentionDays).toISOString()}::timestamptz
      RETURNING key_digest
    ), kept AS (
      INSERT INTO expired_idempotency_keys (key_prefix)
      SELECT ${KEY_PREFIX_SQL(sql`replace(key_digest::text, '-', '')`)} FROM moved
      ON CONFLICT (key_prefix) DO NOTHING
    )
    SELECT count(*)::int AS expired FROM moved`)
  const [row] = resultRows<{ expired: number }>(result)
  return { expired: Number(row?.expired ?? 0) }
}
