/**
 * The contribution write path: checks and fingerprints a contribution, hands
 * it to the group-commit writer (write-batch/), and records what was applied.
 */
import { CurrencyMismatchError, InvalidCommandError } from './errors.ts'
import { assertIdempotencyKey } from './idempotency.ts'
import { contributionHash } from './request-hash.ts'
import { assertWager } from './rules/contribution-split.ts'
import type { StoreContext } from './store-context.ts'
import type { ContributionCommand, ContributionReceipt, Idempotent } from './types.ts'

/**
 * Records one wager's contribution to every pool, exactly once per
 * idempotency key (per caller). A retry with the same key and body returns the
 * first receipt with `replayed: true` and writes nothing. It travels in the
 * next batch with the other writes that arrive meanwhile.
 *
 * @throws CurrencyMismatchError, InvalidCommandError, IdempotencyConflictError,
 *   WriteQueueFullError, WriteDeadlineExceededError, WriteOutcomeUnknownError, DatabaseUnavailableError
 * @example
 * const { result } = await writeContribution(ctx, { idempotencyKey: 'k1', gameId: 'slots', wagerCents: 500n, currency: 'EUR' })
 */
export async function writeContribution(
  ctx: StoreContext,
  command: ContributionCommand,
): Promise<Idempotent<ContributionReceipt>> {
  assertContribution(ctx, command)
  const hash = contributionHash(command)
  const outcome = await ctx.writer.submit({
    kind: 'contribution',
    command,
    scope: command.caller ?? '',
    hash,
  })
  // Counters are recorded per batch, after commit (see DomainMetrics.batchCommitted).
  if (!outcome.replayed) {
    const receipt = outcome.result
    ctx.logger?.debug(
      {
        contributionId: receipt.id,
        gameId: receipt.gameId,
        wagerCents: receipt.wagerCents.toString(),
        currency: receipt.currency,
        pools: Object.fromEntries(receipt.pools.map((p) => [p.slug, p.contributedCents.toString()])),
      },
      'contribution recorded',
    )
  }
  return outcome
}

function assertContribution(ctx: StoreContext, command: ContributionCommand): void {
  assertIdempotencyKey(command.idempotencyKey)
  if (command.gameId.length === 0) throw new InvalidCommandError('gameId must not be empty', 'gameId')
  if (command.currency !== ctx.currency) throw new CurrencyMismatchError(command.currency, ctx.currency)
  assertWager(command.wagerCents)
}
