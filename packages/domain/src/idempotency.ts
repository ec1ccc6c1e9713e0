import { asc, eq } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import { ledgerEntries, ledgerLines } from './db/schema.ts'
import { IdempotencyConflictError, InvalidCommandError } from './errors.ts'
import type { LedgerKind } from './types.ts'

export type LedgerEntryRow = typeof ledgerEntries.$inferSelect
export type LedgerLineRow = typeof ledgerLines.$inferSelect

/** Longest accepted idempotency key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255

/** @throws InvalidCommandError for an empty or over-long key. */
export function assertIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidCommandError(
      `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      'idempotencyKey',
    )
  }
}

/**
 * Inserts a key-bearing ledger entry, or returns null when the key is taken.
 *
 * Called once the write holds its pool locks. A concurrent request with the
 * same key waits here on the unique index until the first one commits (then
 * finds its entry) or rolls back (then proceeds). No deadlock: a transaction
 * holding an uncommitted key already holds every lock it needs and waits for
 * nothing.
 */
export async function claimIdempotencyKey(
  tx: Executor,
  values: typeof ledgerEntries.$inferInsert,
): Promise<LedgerEntryRow | null> {
  const [entry] = await tx
    .insert(ledgerEntries)
    .values(values)
    .onConflictDoNothing({ target: ledgerEntries.idempotencyKey })
    .returning()
  return entry ?? null
}

/**
 * The committed entry holding `key`, if it was made by the same request.
 *
 * @throws IdempotencyConflictError when the key belongs to a different request (or kind).
 */
export async function findReplayedEntry(
  tx: Executor,
  key: string,
  kind: LedgerKind,
  hash: string,
): Promise<LedgerEntryRow> {
  const [entry] = await tx.select().from(ledgerEntries).where(eq(ledgerEntries.idempotencyKey, key))
  if (!entry || entry.kind !== kind || entry.requestHash !== hash) throw new IdempotencyConflictError(key)
  return entry
}

/** An entry's lines, by pool slug. */
export function selectLines(tx: Executor, entryId: bigint): Promise<LedgerLineRow[]> {
  return tx
    .select()
    .from(ledgerLines)
    .where(eq(ledgerLines.entryId, entryId))
    .orderBy(asc(ledgerLines.poolSlug))
}
