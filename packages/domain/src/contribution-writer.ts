/**
 * The contribution write path, kept in one module on purpose: batching many
 * contributions into one transaction later changes this file only.
 */
import { asc, sql } from 'drizzle-orm'
import type { Transaction } from './db/database.ts'
import { ledgerLines, pools } from './db/schema.ts'
import { CurrencyMismatchError, InvalidCommandError } from './errors.ts'
import {
  assertIdempotencyKey,
  claimIdempotencyKey,
  findReplayedEntry,
  type LedgerEntryRow,
  type LedgerLineRow,
  selectLines,
} from './idempotency.ts'
import { requestHash } from './request-hash.ts'
import { assertWager, splitContribution } from './rules/contribution-split.ts'
import type { StoreContext } from './store-context.ts'
import type { ContributionCommand, ContributionReceipt, Idempotent } from './types.ts'

/**
 * Records one wager's contribution to every pool, exactly once per
 * idempotency key. A retry with the same key and body returns the first
 * receipt with `replayed: true` and writes nothing.
 *
 * @throws CurrencyMismatchError, InvalidCommandError, IdempotencyConflictError
 * @example
 * const { result } = await writeContribution(ctx, { idempotencyKey: 'k1', gameId: 'slots', wagerCents: 500n, currency: 'EUR' })
 */
export async function writeContribution(
  ctx: StoreContext,
  command: ContributionCommand,
): Promise<Idempotent<ContributionReceipt>> {
  assertContribution(ctx, command)
  const hash = contributionHash(command)
  const outcome = await ctx.run('contribution.write', () =>
    ctx.db.transaction((tx) => applyContribution(tx, command, hash, ctx.now())),
  )
  if (outcome.replayed) {
    ctx.metrics.replayed('contribution')
  } else {
    const receipt = outcome.result
    ctx.metrics.contributionRecorded(receipt)
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
    ctx.poolsChanged(receipt.pools.map((p) => p.slug))
  }
  return outcome
}

function assertContribution(ctx: StoreContext, command: ContributionCommand): void {
  assertIdempotencyKey(command.idempotencyKey)
  if (command.gameId.length === 0) throw new InvalidCommandError('gameId must not be empty', 'gameId')
  if (command.currency !== ctx.currency) throw new CurrencyMismatchError(command.currency, ctx.currency)
  assertWager(command.wagerCents)
}

function contributionHash(command: ContributionCommand): string {
  return requestHash([
    'contribution',
    command.gameId,
    command.playerId ?? null,
    command.wagerCents.toString(),
    command.currency,
  ])
}

async function applyContribution(
  tx: Transaction,
  command: ContributionCommand,
  hash: string,
  now: Date,
): Promise<Idempotent<ContributionReceipt>> {
  // Pools first, always in slug order: concurrent writers queue instead of
  // deadlocking, and the ledger id taken next follows the order in which
  // writes apply, so replaying the ledger by id retraces every pool's history.
  const rows = await tx.select().from(pools).orderBy(asc(pools.slug)).for('no key update')
  const entry = await claimIdempotencyKey(tx, {
    kind: 'contribution',
    idempotencyKey: command.idempotencyKey,
    requestHash: hash,
    gameId: command.gameId,
    playerId: command.playerId ?? null,
    wagerCents: command.wagerCents,
    currency: command.currency,
    createdAt: now,
  })
  if (!entry) {
    const first = await findReplayedEntry(tx, command.idempotencyKey, 'contribution', hash)
    return { replayed: true, result: toReceipt(first, await selectLines(tx, first.id)) }
  }

  const lines: LedgerLineRow[] = rows.map((row) => {
    const split = splitContribution(row, command.wagerCents)
    return {
      entryId: entry.id,
      poolSlug: row.slug,
      amountDeltaCents: split.toAmountCents,
      reserveDeltaCents: split.toReserveCents,
      contributedDeltaCents: split.contributedCents,
      paidOutDeltaCents: 0n,
      seededByHouseDeltaCents: 0n,
      amountAfterCents: split.amountCents,
      reserveAfterCents: split.reserveCents,
      residueAfter: split.residue,
    }
  })
  if (lines.length > 0) await updatePools(tx, lines, now)
  if (lines.length > 0) await tx.insert(ledgerLines).values(lines)
  return { replayed: false, result: toReceipt(entry, lines) }
}

/**
 * Applies every pool's new state in one statement rather than one UPDATE per
 * pool: fewer round trips while the pool locks are held, which is what bounds
 * contribution throughput (every contribution locks every pool).
 */
async function updatePools(tx: Transaction, lines: LedgerLineRow[], now: Date): Promise<void> {
  // Parameters go in as text with casts: the two drivers bind bigint and Date differently.
  const values = sql.join(
    lines.map(
      (line) =>
        sql`(${line.poolSlug}, ${line.amountAfterCents.toString()}::bigint, ${line.reserveAfterCents.toString()}::bigint, ${line.residueAfter}::int, ${line.contributedDeltaCents.toString()}::bigint)`,
    ),
    sql`, `,
  )
  await tx.execute(sql`
    UPDATE ${pools} SET
      amount_cents = v.amount,
      reserve_cents = v.reserve,
      residue = v.residue,
      contributed_cents = ${pools.contributedCents} + v.contributed,
      contributions_count = ${pools.contributionsCount} + 1,
      updated_at = ${now.toISOString()}::timestamptz
    FROM (VALUES ${values}) AS v(slug, amount, reserve, residue, contributed)
    WHERE ${pools.slug} = v.slug`)
}

function toReceipt(entry: LedgerEntryRow, lines: LedgerLineRow[]): ContributionReceipt {
  return {
    id: entry.id.toString(),
    wagerCents: entry.wagerCents ?? 0n,
    currency: entry.currency ?? '',
    gameId: entry.gameId ?? '',
    playerId: entry.playerId,
    pools: lines.map((line) => ({
      slug: line.poolSlug,
      contributedCents: line.contributedDeltaCents,
      toReserveCents: line.reserveDeltaCents,
      amountCents: line.amountAfterCents,
      reserveCents: line.reserveAfterCents,
    })),
    createdAt: entry.createdAt,
  }
}
