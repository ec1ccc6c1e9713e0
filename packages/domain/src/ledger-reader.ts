import { and, asc, eq, exists, gt, gte, inArray, lt, lte, or, type SQL } from 'drizzle-orm'
import { ledgerBatchPools, ledgerEntries, ledgerLines } from './db/schema.ts'
import { LedgerArchivedError } from './errors.ts'
import type { LedgerEntryRow, LedgerLineRow } from './idempotency.ts'
import { keysetPage } from './keyset-page.ts'
import { archivesAsked, readArchives } from './ledger-checkpoints.ts'
import { decodeCursor, encodeCursor, pageLimit } from './page-cursor.ts'
import type { StoreContext } from './store-context.ts'
import { checkTimestamp } from './timestamp-range.ts'
import type { LedgerEntry, LedgerQuery, Page } from './types.ts'
import { contributionLineRows } from './write-batch/entry-lines.ts'

/**
 * One page of the ledger in ascending id order (keyset pagination: stable
 * under concurrent appends). `pool` keeps the entries with a line for that
 * pool (each entry still lists all its lines); `since` is inclusive, `until`
 * exclusive.
 *
 * A `since`/`until` range that starts in days archived out of the database
 * (`cli archive`) is refused with the archives that hold it (one read of the
 * small `ledger_archives` table), never answered with an empty page.
 *
 * @throws InvalidCommandError for a bad cursor, limit, or a since/until outside years 0001..9999.
 * @throws LedgerArchivedError when the range starts in archived days.
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

  if (query.since !== undefined || query.until !== undefined) {
    const archives = await ctx.run('ledger.archives', () => readArchives(ctx.db))
    const asked = archivesAsked(archives, query.since, query.until)
    if (asked.length > 0) throw new LedgerArchivedError(asked)
  }

  if (query.pool !== undefined) {
    const pool = query.pool
    // An entry touched the pool when it has a line for it, or (a compact contribution) its run has a row for it.
    conditions.push(
      or(
        exists(
          ctx.db
            .select({ one: ledgerLines.entryId })
            .from(ledgerLines)
            .where(
              and(
                eq(ledgerLines.entryId, ledgerEntries.id),
                eq(ledgerLines.createdAt, ledgerEntries.createdAt),
                eq(ledgerLines.poolSlug, pool),
              ),
            ),
        ),
        and(
          eq(ledgerEntries.kind, 'contribution'),
          exists(
            ctx.db
              .select({ one: ledgerBatchPools.lastEntryId })
              .from(ledgerBatchPools)
              .where(
                and(
                  eq(ledgerBatchPools.createdAt, ledgerEntries.createdAt),
                  lte(ledgerBatchPools.firstEntryId, ledgerEntries.id),
                  gte(ledgerBatchPools.lastEntryId, ledgerEntries.id),
                  eq(ledgerBatchPools.poolSlug, pool),
                ),
              ),
          ),
        ) as SQL,
      ) as SQL,
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
              and(
                inArray(
                  ledgerLines.entryId,
                  page.map((row) => row.id),
                ),
                // Lines share their entry's time: this keeps the lookup to the page's partitions.
                inArray(
                  ledgerLines.createdAt,
                  [...new Set(page.map((row) => row.createdAt.getTime()))].map((t) => new Date(t)),
                ),
              ),
            )
            .orderBy(asc(ledgerLines.entryId), asc(ledgerLines.poolSlug))
    // Contributions written in the compact layout have no lines: their split is recomputed.
    const withLines = new Set(lines.map((line) => line.entryId))
    const lineless = page.filter((row) => row.kind === 'contribution' && !withLines.has(row.id))
    lines.push(...(await contributionLineRows(ctx.db, lineless)))
    const linesOf = new Map<bigint, LedgerLineRow[]>()
    for (const line of lines) {
      const own = linesOf.get(line.entryId)
      if (own === undefined) linesOf.set(line.entryId, [line])
      else own.push(line)
    }
    return keysetPage(
      rows,
      limit,
      (row) => toLedgerEntry(row, linesOf.get(row.id) ?? []),
      (row) => encodeCursor(row.id),
    )
  })
}

/** An entry with its own lines (`lines` holds only this entry's, in pool order). */
function toLedgerEntry(row: LedgerEntryRow, lines: readonly LedgerLineRow[]): LedgerEntry {
  return {
    id: row.id.toString(),
    kind: row.kind,
    idempotencyKey: row.idempotencyKey,
    parentId: row.parentId === null ? null : row.parentId.toString(),
    gameId: row.gameId,
    playerId: row.playerId,
    wagerCents: row.wagerCents,
    lines: lines.map(toLedgerLine),
    createdAt: row.createdAt,
  }
}

/** A stored or recomputed line as the ledger shows it (also for lines read back from an archive). */
export function toLedgerLine(
  line: Pick<
    LedgerLineRow,
    | 'poolSlug'
    | 'amountDeltaCents'
    | 'reserveDeltaCents'
    | 'amountAfterCents'
    | 'reserveAfterCents'
    | 'residueAfter'
  >,
): LedgerEntry['lines'][number] {
  return {
    pool: line.poolSlug,
    amountDeltaCents: line.amountDeltaCents,
    reserveDeltaCents: line.reserveDeltaCents,
    amountAfterCents: line.amountAfterCents,
    reserveAfterCents: line.reserveAfterCents,
    residueAfter: line.residueAfter,
  }
}
