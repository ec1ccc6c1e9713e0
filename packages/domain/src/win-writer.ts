import { InvalidCommandError } from './errors.ts'
import { assertIdempotencyKey } from './idempotency.ts'
import { winHash } from './request-hash.ts'
import type { StoreContext } from './store-context.ts'
import type { Idempotent, WinCommand, WinReceipt } from './types.ts'

/**
 * Pays a pool's current amount to a winner and resets it to its seed, exactly
 * once per idempotency key. The ledger gets a key-bearing 'win' entry and a
 * separate 'reset' entry (no key, `parentId` = the win).
 *
 * @throws PoolNotFoundError, InvalidCommandError, IdempotencyConflictError
 * @example
 * const { result } = await writeWin(ctx, { idempotencyKey: 'w1', pool: 'minor', gameId: 'slots', playerId: 'p1' })
 */
export async function writeWin(ctx: StoreContext, command: WinCommand): Promise<Idempotent<WinReceipt>> {
  assertIdempotencyKey(command.idempotencyKey)
  if (command.gameId.length === 0) throw new InvalidCommandError('gameId must not be empty', 'gameId')
  if (command.playerId.length === 0) throw new InvalidCommandError('playerId must not be empty', 'playerId')
  const hash = winHash(command)
  // Wins take the same ordered path as contributions: the group-commit writer.
  const outcome = await ctx.writer.submit({ kind: 'win', command, scope: command.caller ?? '', hash })
  // Counters are recorded per batch, after commit (see DomainMetrics.batchCommitted).
  if (!outcome.replayed) {
    const receipt = outcome.result
    ctx.logger?.info(
      {
        winId: receipt.id,
        pool: receipt.pool,
        payoutCents: receipt.payoutCents.toString(),
        gameId: receipt.gameId,
        playerId: receipt.playerId,
        resetFromReserveCents: receipt.resetFromReserveCents.toString(),
        resetFromHouseCents: receipt.resetFromHouseCents.toString(),
      },
      'jackpot won',
    )
  }
  return outcome
}
