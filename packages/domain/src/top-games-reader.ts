import { and, asc, desc, eq, gt, lt, or, type SQL } from 'drizzle-orm'
import { gameDayStats } from './db/schema.ts'
import { InvalidCommandError } from './errors.ts'
import { keysetPage } from './keyset-page.ts'
import { pageLimit } from './page-cursor.ts'
import type { StoreContext } from './store-context.ts'
import type { Page, TopGame, TopGamesQuery } from './types.ts'

/**
 * Games ranked by the cents their wagers contributed to the pools today (since
 * UTC midnight of `now`), largest first, ties by game id; keyset-paginated on
 * that order (`after` is the previous page's `nextCursor`).
 *
 * Reads today's rows of the `game_day_stats` rollup (one per game that played
 * today), which every write batch keeps: the cost grows with the number of
 * games, never with the ledger or the day's traffic.
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
  const contributed = gameDayStats.contributedCents
  const isToday = eq(gameDayStats.day, now.toISOString().slice(0, 10))
  const where: SQL | undefined =
    after === undefined
      ? isToday
      : and(
          isToday,
          or(
            lt(contributed, after.contributedCents),
            and(eq(contributed, after.contributedCents), gt(gameDayStats.gameId, after.gameId)),
          ),
        )

  return ctx.run('games.top', async () => {
    const rows = await ctx.db
      .select({
        gameId: gameDayStats.gameId,
        contributions: gameDayStats.contributions,
        contributedCents: contributed,
      })
      .from(gameDayStats)
      .where(where)
      .orderBy(desc(contributed), asc(gameDayStats.gameId))
      .limit(limit + 1)
    return keysetPage(
      rows,
      limit,
      (row) => ({ ...row, contributions: Number(row.contributions) }),
      encodeRankCursor,
    )
  })
}

function encodeRankCursor(game: Pick<TopGame, 'contributedCents' | 'gameId'>): string {
  return Buffer.from(JSON.stringify([game.contributedCents.toString(), game.gameId]), 'utf8').toString(
    'base64url',
  )
}

function decodeRankCursor(cursor: string): { contributedCents: bigint; gameId: string } {
  try {
    const [cents, gameId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof cents === 'string' && /^\d{1,19}$/.test(cents) && typeof gameId === 'string') {
      const decoded = { contributedCents: BigInt(cents), gameId }
      if (encodeRankCursor(decoded) === cursor) return decoded
    }
  } catch {
    // Falls through to the error below: any unreadable cursor is the client's mistake.
  }
  throw new InvalidCommandError('Invalid page cursor', 'after')
}
