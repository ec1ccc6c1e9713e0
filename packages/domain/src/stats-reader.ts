import { and, gte, lte, max, type SQL, sql } from 'drizzle-orm'
import { gameDayStats, poolMinuteStats, pools } from './db/schema.ts'
import { selectPools } from './pool-rows.ts'
import type { StoreContext } from './store-context.ts'
import type { Stats } from './types.ts'

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

/**
 * Business figures, at a cost that does not grow with the ledger: all-time
 * totals from the pools; today's activity (since UTC midnight of `now`) from
 * the game-day and pool-minute rollups; contributed cents in the last 24 h
 * against the 24 h before from the pool-minute rollup (windows at minute
 * granularity: the minute that holds `now` − 24 h counts as the newer window);
 * the last contribution and win from the pools' own columns. At most 48 h of
 * minute rows per pool are read, whatever the history.
 *
 * @example
 * const stats = await readStats(ctx, new Date())
 */
export async function readStats(ctx: StoreContext, now: Date): Promise<Stats> {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const minuteOf = (ms: number) => new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS)
  // Bucket m holds (m, m + 1 min]: a window (a, b] takes the buckets after minuteOf(a), up to b.
  const dayAgo = minuteOf(now.getTime() - DAY_MS)
  const twoDaysAgo = minuteOf(now.getTime() - 2 * DAY_MS)
  const windowStart = midnight < twoDaysAgo ? midnight : twoDaysAgo
  const minute = poolMinuteStats.minute
  const today = gte(minute, midnight)
  const last24h = and(gte(minute, dayAgo), lte(minute, now))
  const previous24h = and(gte(minute, twoDaysAgo), lte(minute, new Date(dayAgo.getTime() - 1)))
  // Sums go through text: the drivers disagree on how they hand back numeric.
  const sumText = (value: unknown, where: SQL | undefined) =>
    sql<string>`coalesce(sum(${value}) filter (where ${where}), 0)::text`

  return ctx
    .run('stats.read', async () => {
      const poolList = await selectPools(ctx.db)
      const [minutes] = await ctx.db
        .select({
          todayContributed: sumText(poolMinuteStats.contributedCents, today),
          todayWins: sumText(poolMinuteStats.wins, today),
          todayPaidOut: sumText(poolMinuteStats.paidOutCents, today),
          last24h: sumText(poolMinuteStats.contributedCents, last24h),
          previous24h: sumText(poolMinuteStats.contributedCents, previous24h),
        })
        .from(poolMinuteStats)
        .where(and(gte(minute, windowStart), lte(minute, now)))
      const [games] = await ctx.db
        .select({
          contributions: sql<string>`coalesce(sum(${gameDayStats.contributions}), 0)::text`,
          wagerCents: sql<string>`coalesce(sum(${gameDayStats.wagerCents}), 0)::text`,
        })
        .from(gameDayStats)
        .where(sql`${gameDayStats.day} = ${now.toISOString().slice(0, 10)}`)
      const [last] = await ctx.db
        .select({ contribution: max(pools.lastContributionAt), win: max(pools.lastWinAt) })
        .from(pools)
      return { poolList, minutes: minutes!, games: games!, last: last! }
    })
    .then(({ poolList, minutes, games, last }) => {
      const sum = (pick: (p: (typeof poolList)[number]) => bigint) =>
        poolList.reduce((s, p) => s + pick(p), 0n)
      const last24hCents = BigInt(minutes.last24h)
      const previous24hCents = BigInt(minutes.previous24h)
      return {
        pools: poolList.length,
        totalAmountCents: sum((p) => p.amountCents),
        totalReserveCents: sum((p) => p.reserveCents),
        totalContributedCents: sum((p) => p.totals.contributedCents),
        totalPaidOutCents: sum((p) => p.totals.paidOutCents),
        totalSeededByHouseCents: sum((p) => p.totals.seededByHouseCents),
        // Every contribution touches every pool, so any pool's count is the total.
        contributions: poolList.reduce((max, p) => Math.max(max, p.totals.contributions), 0),
        wins: poolList.reduce((s, p) => s + p.totals.wins, 0),
        today: {
          contributions: Number(games.contributions),
          contributedCents: BigInt(minutes.todayContributed),
          wagerCents: BigInt(games.wagerCents),
          wins: Number(minutes.todayWins),
          paidOutCents: BigInt(minutes.todayPaidOut),
        },
        growth: {
          last24hCents,
          previous24hCents,
          ratio: previous24hCents === 0n ? null : Number(last24hCents) / Number(previous24hCents),
        },
        lastContributionAt: toDate(last.contribution),
        lastWinAt: toDate(last.win),
      }
    })
}

/** max() over a timestamptz comes back as a Date or a string, depending on the driver. */
function toDate(value: Date | string | null): Date | null {
  if (value === null) return null
  return value instanceof Date ? value : new Date(value)
}
