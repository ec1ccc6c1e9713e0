import { createHash } from 'node:crypto'
import type { ContributionCommand, WinCommand } from './types.ts'

/**
 * A stable fingerprint of an idempotent request's meaningful fields, to tell a
 * true retry (same key, same hash) from a key reused for another request.
 *
 * @example
 * requestHash(['contribution', 'game-1', null, '500', 'EUR'])
 */
export function requestHash(fields: ReadonlyArray<string | null>): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex')
}

/**
 * A contribution's fingerprint. Every field is kept in its ledger entry, so a
 * committed contribution's fingerprint is recomputed from the entry rather than
 * stored (migration 0007).
 */
export function contributionHash(
  command: Pick<ContributionCommand, 'gameId' | 'wagerCents' | 'currency'> & {
    playerId?: string | null | undefined
  },
): string {
  return requestHash([
    'contribution',
    command.gameId,
    command.playerId ?? null,
    command.wagerCents.toString(),
    command.currency,
  ])
}

/** A win's fingerprint: recomputed for a committed win from its entry and its ledger line's pool. */
export function winHash(command: Pick<WinCommand, 'pool' | 'gameId' | 'playerId'>): string {
  return requestHash(['win', command.pool, command.gameId, command.playerId])
}
