import type { ledgerEntries, ledgerLines } from './db/schema.ts'
import { InvalidCommandError } from './errors.ts'

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
