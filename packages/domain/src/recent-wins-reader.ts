import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm'
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
    const wins = await ctx.db
      .select({
        id: ledgerEntries.id,
        gameId: ledgerEntries.gameId,
        playerId: ledgerEntries.playerId,
        createdAt: ledgerEntries.createdAt,
      })
      .from(ledgerEntries)
      .where(and(...conditions))
      .orderBy(desc(ledgerEntries.id))
      .limit(limit + 1)
    // A win entry has exactly one line: the pool it paid out. Read apart, by id and time: a
    // join on the id alone would probe every day partition of the lines for each win.
    const lines =
      wins.length === 0
        ? []
        : await ctx.db
            .select({
              entryId: ledgerLines.entryId,
              pool: ledgerLines.poolSlug,
              payoutCents: ledgerLines.paidOutDeltaCents,
            })
            .from(ledgerLines)
            .where(
              and(
                inArray(
                  ledgerLines.entryId,
                  wins.map((win) => win.id),
                ),
                inArray(
                  ledgerLines.createdAt,
                  wins.map((win) => win.createdAt),
                ),
              ),
            )
    const lineOf = new Map(lines.map((line) => [line.entryId, line]))
    const rows = wins.flatMap((win) => {
      const line = lineOf.get(win.id)
      return line === undefined ? [] : [{ ...win, pool: line.pool, payoutCents: line.payoutCents }]
    })
    return keysetPage(
      rows,
      limit,
      (row) => ({ ...row, id: row.id.toString(), gameId: row.gameId ?? '', playerId: row.playerId ?? '' }),
      (row) => encodeCursor(row.id),
    )
  })
}
