import { and, eq } from 'drizzle-orm'
import type { Transaction } from './db/database.ts'
import { ledgerEntries, ledgerLines, pools } from './db/schema.ts'
import { InvalidCommandError, PoolNotFoundError } from './errors.ts'
import {
  assertIdempotencyKey,
  claimIdempotencyKey,
  findReplayedEntry,
  type LedgerEntryRow,
  selectLines,
} from './idempotency.ts'
import { requestHash } from './request-hash.ts'
import { computeWinPayout } from './rules/win-payout.ts'
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
  const hash = requestHash(['win', command.pool, command.gameId, command.playerId])
  const outcome = await ctx.run('win.write', () =>
    ctx.db.transaction((tx) => applyWin(tx, command, hash, ctx.now())),
  )
  if (outcome.replayed) {
    ctx.metrics.replayed('win')
  } else {
    const receipt = outcome.result
    ctx.metrics.winRecorded(receipt)
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
    ctx.poolsChanged([receipt.pool])
  }
  return outcome
}

async function applyWin(
  tx: Transaction,
  command: WinCommand,
  hash: string,
  now: Date,
): Promise<Idempotent<WinReceipt>> {
  // The pool first (see contribution-writer): the ledger id taken next then
  // follows the order in which writes to this pool apply.
  const [row] = await tx.select().from(pools).where(eq(pools.slug, command.pool)).for('no key update')
  if (!row) throw new PoolNotFoundError(command.pool)
  const win = await claimIdempotencyKey(tx, {
    kind: 'win',
    idempotencyKey: command.idempotencyKey,
    requestHash: hash,
    gameId: command.gameId,
    playerId: command.playerId,
    createdAt: now,
  })
  if (!win) {
    const first = await findReplayedEntry(tx, command.idempotencyKey, 'win', hash)
    return { replayed: true, result: await replayWin(tx, first) }
  }
  const payout = computeWinPayout(row)
  await tx
    .update(pools)
    .set({
      amountCents: payout.amountCents,
      reserveCents: payout.reserveCents,
      paidOutCents: row.paidOutCents + payout.payoutCents,
      seededByHouseCents: row.seededByHouseCents + payout.resetFromHouseCents,
      winsCount: row.winsCount + 1,
      updatedAt: now,
    })
    .where(eq(pools.slug, row.slug))

  const [reset] = await tx
    .insert(ledgerEntries)
    .values({
      kind: 'reset',
      parentId: win.id,
      gameId: command.gameId,
      playerId: command.playerId,
      currency: row.currency,
      createdAt: now,
    })
    .returning({ id: ledgerEntries.id })
  await tx.insert(ledgerLines).values([
    {
      entryId: win.id,
      poolSlug: row.slug,
      amountDeltaCents: -payout.payoutCents,
      reserveDeltaCents: 0n,
      paidOutDeltaCents: payout.payoutCents,
      amountAfterCents: 0n,
      reserveAfterCents: row.reserveCents,
      residueAfter: row.residue,
    },
    {
      entryId: reset!.id,
      poolSlug: row.slug,
      amountDeltaCents: payout.amountCents,
      reserveDeltaCents: -payout.resetFromReserveCents,
      seededByHouseDeltaCents: payout.resetFromHouseCents,
      amountAfterCents: payout.amountCents,
      reserveAfterCents: payout.reserveCents,
      residueAfter: row.residue,
    },
  ])
  return {
    replayed: false,
    result: {
      id: win.id.toString(),
      pool: row.slug,
      gameId: command.gameId,
      playerId: command.playerId,
      payoutCents: payout.payoutCents,
      amountCents: payout.amountCents,
      reserveCents: payout.reserveCents,
      resetFromReserveCents: payout.resetFromReserveCents,
      resetFromHouseCents: payout.resetFromHouseCents,
      createdAt: now,
    },
  }
}

async function replayWin(tx: Transaction, win: LedgerEntryRow): Promise<WinReceipt> {
  const [winLine] = await selectLines(tx, win.id)
  const [reset] = await tx
    .select({ id: ledgerEntries.id })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.parentId, win.id), eq(ledgerEntries.kind, 'reset')))
  const [resetLine] = reset ? await selectLines(tx, reset.id) : []
  if (!winLine || !resetLine) throw new Error(`Ledger entry ${win.id} is a win without its lines or reset`)
  return {
    id: win.id.toString(),
    pool: winLine.poolSlug,
    gameId: win.gameId ?? '',
    playerId: win.playerId ?? '',
    payoutCents: winLine.paidOutDeltaCents,
    amountCents: resetLine.amountAfterCents,
    reserveCents: resetLine.reserveAfterCents,
    resetFromReserveCents: -resetLine.reserveDeltaCents,
    resetFromHouseCents: resetLine.seededByHouseDeltaCents,
    createdAt: win.createdAt,
  }
}
