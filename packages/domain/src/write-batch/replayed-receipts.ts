import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Executor } from '../db/database.ts'
import { ledgerEntries, ledgerLines } from '../db/schema.ts'
import type { LedgerEntryRow, LedgerLineRow } from '../idempotency.ts'
import type { ContributionReceipt, WinReceipt } from '../types.ts'
import { contributionLineRows } from './entry-lines.ts'

/**
 * Rebuilds the receipts of committed entries that a batch's items replay, in
 * two queries whatever their number (lines of every entry, then the resets of
 * the wins with their lines). Replays are rare in a rush, so this runs only
 * when a batch has one.
 *
 * @example
 * const receipts = await loadReplayedReceipts(tx, [entry])
 * receipts.get(entry.id)
 */
export async function loadReplayedReceipts(
  tx: Executor,
  entries: readonly LedgerEntryRow[],
): Promise<Map<bigint, ContributionReceipt | WinReceipt>> {
  const receipts = new Map<bigint, ContributionReceipt | WinReceipt>()
  if (entries.length === 0) return receipts
  const wins = entries.filter((entry) => entry.kind === 'win')
  const resets =
    wins.length === 0
      ? []
      : await tx
          .select()
          .from(ledgerEntries)
          .where(
            and(
              inArray(
                ledgerEntries.parentId,
                wins.map((win) => win.id),
              ),
              eq(ledgerEntries.kind, 'reset'),
              // A reset is written with its win, at the same time: this keeps the lookup to their partitions.
              inArray(
                ledgerEntries.createdAt,
                wins.map((win) => win.createdAt),
              ),
            ),
          )
  const ids = [...entries.map((entry) => entry.id), ...resets.map((reset) => reset.id)]
  const lines = await tx
    .select()
    .from(ledgerLines)
    .where(
      and(
        inArray(ledgerLines.entryId, ids),
        inArray(
          ledgerLines.createdAt,
          entries.map((entry) => entry.createdAt),
        ),
      ),
    )
    .orderBy(asc(ledgerLines.entryId), asc(ledgerLines.poolSlug))
  const linesOf = new Map<bigint, LedgerLineRow[]>()
  for (const line of lines) {
    const list = linesOf.get(line.entryId) ?? []
    list.push(line)
    linesOf.set(line.entryId, list)
  }
  // Contributions written in the compact layout have no lines: their split is recomputed.
  const recomputed = await contributionLineRows(
    tx,
    entries.filter((entry) => entry.kind === 'contribution' && !linesOf.has(entry.id)),
  )
  for (const line of recomputed) linesOf.set(line.entryId, [...(linesOf.get(line.entryId) ?? []), line])
  const resetOf = new Map(resets.map((reset) => [reset.parentId, reset]))
  for (const entry of entries) {
    if (entry.kind === 'win') {
      const reset = resetOf.get(entry.id)
      receipts.set(entry.id, winReceipt(entry, linesOf.get(entry.id), reset && linesOf.get(reset.id)))
    } else {
      receipts.set(entry.id, contributionReceipt(entry, linesOf.get(entry.id) ?? []))
    }
  }
  return receipts
}

/** A contribution's receipt from its entry and lines (fresh or replayed: the same shape). */
export function contributionReceipt(
  entry: Pick<LedgerEntryRow, 'id' | 'wagerCents' | 'currency' | 'gameId' | 'playerId' | 'createdAt'>,
  lines: ReadonlyArray<
    Pick<
      LedgerLineRow,
      'poolSlug' | 'contributedDeltaCents' | 'reserveDeltaCents' | 'amountAfterCents' | 'reserveAfterCents'
    >
  >,
): ContributionReceipt {
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

function winReceipt(
  win: LedgerEntryRow,
  winLines: LedgerLineRow[] | undefined,
  resetLines: LedgerLineRow[] | undefined,
): WinReceipt {
  const winLine = winLines?.[0]
  const resetLine = resetLines?.[0]
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
