import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm'
import { ledgerEntries, ledgerLines } from './db/schema.ts'
import { InvalidCommandError } from './errors.ts'
import { pageLimit } from './page-cursor.ts'
import type { StoreContext } from './store-context.ts'
import type { Page, TopGame, TopGamesQuery } from './types.ts'

/**
 * Games ranked by the cents their wagers contributed to the pools today (since
 * UTC midnight of `now`), largest first, ties by game id; keyset-paginated on
 * that order (`after` is the previous page's `nextCursor`).
 *
 * Reads only today's contributions, through the partial index
 * `ledger_entries_contribution_day_idx (created_at, game_id) WHERE kind =
 * 'contribution'`: the cost grows with one day's traffic, never with the ledger.
 *
 * @throws InvalidCommandError for a bad cursor or limit.
 * @example
 * const { entries } = await readTopGames(ctx, { limit: 10 }, new Date())
 */
export async function readTopGames(
  ctx: StoreContext,
  query: TopGamesQuery,
  now: Date,
): Promise<Page<TopGame>> {
  const limit = pageLimit(query.limit)
  const after = query.after === undefined ? undefined : decodeRankCursor(query.after)
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const contributed = sql<string>`sum(${ledgerLines.contributedDeltaCents})`
  const having: SQL | undefined =
    after === undefined
      ? undefined
      : sql`(${contributed} < ${after.contributedCents.toString()}::numeric or (${contributed} = ${after.contributedCents.toString()}::numeric and ${ledgerEntries.gameId} > ${after.gameId}))`

  return ctx.run('games.top', async () => {
    const base = ctx.db
      .select({
        gameId: ledgerEntries.gameId,
        // Every contribution touches every pool: distinct entries, not lines, count the wagers.
        contributions: sql<number>`count(distinct ${ledgerEntries.id})::int`,
        contributedCents: sql<string>`${contributed}::text`,
      })
      .from(ledgerEntries)
      .innerJoin(ledgerLines, eq(ledgerLines.entryId, ledgerEntries.id))
      .where(
        and(
          eq(ledgerEntries.kind, 'contribution'),
          gte(ledgerEntries.createdAt, midnight),
          lt(ledgerEntries.createdAt, new Date(midnight.getTime() + 86_400_000)),
        ),
      )
      .groupBy(ledgerEntries.gameId)
    const rows = await (having === undefined ? base : base.having(having))
      .orderBy(desc(contributed), ledgerEntries.gameId)
      .limit(limit + 1)
    const page = rows.slice(0, limit).map((row) => ({
      gameId: row.gameId ?? '',
      contributions: row.contributions,
      contributedCents: BigInt(row.contributedCents),
    }))
    const last = page.at(-1)
    return {
      entries: page,
      nextCursor: rows.length > limit && last ? encodeRankCursor(last) : null,
    }
  })
}

function encodeRankCursor(game: TopGame): string {
  return Buffer.from(JSON.stringify([game.contributedCents.toString(), game.gameId]), 'utf8').toString(
    'base64url',
  )
}

function decodeRankCursor(cursor: string): { contributedCents: bigint; gameId: string } {
  try {
    const [cents, gameId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof cents === 'string' && /^\d{1,19}$/.test(cents) && typeof gameId === 'string') {
      const decoded = { contributedCents: BigInt(cents), gameId }
      if (encodeRankCursor({ ...decoded, contributions: 0 }) === cursor) return decoded
    }
  } catch {
    // Falls through to the error below: any unreadable cursor is the client's mistake.
  }
  throw new InvalidCommandError('Invalid page cursor', 'after')
}
