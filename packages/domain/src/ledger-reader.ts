import { and, asc, eq, exists, gt, gte, inArray, lt, type SQL } from 'drizzle-orm'
import { ledgerEntries, ledgerLines } from './db/schema.ts'
import type { LedgerEntryRow, LedgerLineRow } from './idempotency.ts'
import { keysetPage } from './keyset-page.ts'
import { decodeCursor, encodeCursor, pageLimit } from './page-cursor.ts'
import type { StoreContext } from './store-context.ts'
import { checkTimestamp } from './timestamp-range.ts'
import type { LedgerEntry, LedgerQuery, Page } from './types.ts'

/**
 * One page of the ledger in ascending id order (keyset pagination: stable
 * under concurrent appends). `pool` keeps the entries with a line for that
 * pool (each entry still lists all its lines); `since` is inclusive, `until`
 * exclusive.
 *
 * @throws InvalidCommandError for a bad cursor, limit, or a since/until outside years 0001..9999.
 * @example
 * const page = await readLedger(ctx, { pool: 'mega', kind: 'win', limit: 100 })
 */
export async function readLedger(ctx: StoreContext, query: LedgerQuery): Promise<Page<LedgerEntry>> {
  const limit = pageLimit(query.limit)
  const conditions: SQL[] = []
  if (query.after !== undefined) conditions.push(gt(ledgerEntries.id, decodeCursor(query.after)))
  if (query.kind !== undefined) conditions.push(eq(ledgerEntries.kind, query.kind))
  if (query.since !== undefined)
    conditions.push(gte(ledgerEntries.createdAt, checkTimestamp(query.since, 'since')))
  if (query.until !== undefined)
    conditions.push(lt(ledgerEntries.createdAt, checkTimestamp(query.until, 'until')))

  if (query.pool !== undefined) {
    const pool = query.pool
    conditions.push(
      exists(
        ctx.db
          .select({ one: ledgerLines.entryId })
          .from(ledgerLines)
          .where(and(eq(ledgerLines.entryId, ledgerEntries.id), eq(ledgerLines.poolSlug, pool))),
      ),
    )
  }

  return ctx.run('ledger.read', async () => {
    const rows = await ctx.db
      .select()
      .from(ledgerEntries)
      .where(and(...conditions))
      .orderBy(asc(ledgerEntries.id))
      .limit(limit + 1)
    const page = rows.slice(0, limit)
    const lines =
      page.length === 0
        ? []
        : await ctx.db
            .select()
            .from(ledgerLines)
            .where(
              inArray(
                ledgerLines.entryId,
                page.map((row) => row.id),
              ),
            )
            .orderBy(asc(ledgerLines.entryId), asc(ledgerLines.poolSlug))
    return keysetPage(
      rows,
      limit,
      (row) => toLedgerEntry(row, lines),
      (row) => encodeCursor(row.id),
    )
  })
}

function toLedgerEntry(row: LedgerEntryRow, lines: LedgerLineRow[]): LedgerEntry {
  return {
    id: row.id.toString(),
    kind: row.kind,
    idempotencyKey: row.idempotencyKey,
    parentId: row.parentId === null ? null : row.parentId.toString(),
    gameId: row.gameId,
    playerId: row.playerId,
    wagerCents: row.wagerCents,
    lines: lines
      .filter((line) => line.entryId === row.id)
      .map((line) => ({
        pool: line.poolSlug,
        amountDeltaCents: line.amountDeltaCents,
        reserveDeltaCents: line.reserveDeltaCents,
        amountAfterCents: line.amountAfterCents,
        reserveAfterCents: line.reserveAfterCents,
        residueAfter: line.residueAfter,
      })),
    createdAt: row.createdAt,
  }
}
