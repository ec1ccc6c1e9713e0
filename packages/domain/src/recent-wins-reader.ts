import { and, desc, eq, lt, type SQL } from 'drizzle-orm'
import { ledgerEntries, ledgerLines } from './db/schema.ts'
import { keysetPage } from './keyset-page.ts'
import { decodeCursor, encodeCursor, pageLimit } from './page-cursor.ts'
import type { StoreContext } from './store-context.ts'
import type { Page, RecentWin, RecentWinsQuery } from './types.ts'

/**
 * The latest wins, newest first, keyset-paginated: `before` is the previous
 * page's `nextCursor`. Walks the `(kind, id)` index backwards from the newest
 * win (or the cursor) and stops after one page, so its cost is a page, never
 * the ledger.
 *
 * @throws InvalidCommandError for a bad cursor or limit.
 * @example
 * const { entries, nextCursor } = await readRecentWins(ctx, { limit: 20 })
 */
export async function readRecentWins(ctx: StoreContext, query: RecentWinsQuery): Promise<Page<RecentWin>> {
  const limit = pageLimit(query.limit)
  const conditions: SQL[] = [eq(ledgerEntries.kind, 'win')]
  if (query.before !== undefined) conditions.push(lt(ledgerEntries.id, decodeCursor(query.before, 'before')))

  return ctx.run('wins.recent', async () => {
    const rows = await ctx.db
      .select({
        id: ledgerEntries.id,
        gameId: ledgerEntries.gameId,
        playerId: ledgerEntries.playerId,
        createdAt: ledgerEntries.createdAt,
        pool: ledgerLines.poolSlug,
        payoutCents: ledgerLines.paidOutDeltaCents,
      })
      .from(ledgerEntries)
      // A win entry has exactly one line: the pool it paid out.
      .innerJoin(ledgerLines, eq(ledgerLines.entryId, ledgerEntries.id))
      .where(and(...conditions))
      .orderBy(desc(ledgerEntries.id))
      .limit(limit + 1)
    return keysetPage(
      rows,
      limit,
      (row) => ({ ...row, id: row.id.toString(), gameId: row.gameId ?? '', playerId: row.playerId ?? '' }),
      (row) => encodeCursor(row.id),
    )
  })
}
