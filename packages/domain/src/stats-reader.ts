import { and, asc, eq, gte, lte, type SQL, sql } from 'drizzle-orm'
import { gameDayStats, poolMinuteStats, pools } from './db/schema.ts'
import { toPool } from './pool-rows.ts'
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
  const todayRow = eq(gameDayStats.day, now.toISOString().slice(0, 10))
  const sumText = (value: unknown, where: SQL | undefined) =>
    sql<string>`coalesce(sum(${value}) filter (where ${where}), 0)::text`

  return ctx
    .run('stats.read', async () => {
      // Two round trips: the pools (totals and last times), then both rollups in one statement.
      const rows = await ctx.db.select().from(pools).orderBy(asc(pools.slug))
      const [figures] = await ctx.db
        .select({
          todayContributed: sumText(poolMinuteStats.contributedCents, today),
          todayWins: sumText(poolMinuteStats.wins, today),
          todayPaidOut: sumText(poolMinuteStats.paidOutCents, today),
          last24h: sumText(poolMinuteStats.contributedCents, last24h),
          previous24h: sumText(poolMinuteStats.contributedCents, previous24h),
          todayContributions: sql<string>`(select coalesce(sum(${gameDayStats.contributions}), 0)::text from ${gameDayStats} where ${todayRow})`,
          todayWager: sql<string>`(select coalesce(sum(${gameDayStats.wagerCents}), 0)::text from ${gameDayStats} where ${todayRow})`,
        })
        .from(poolMinuteStats)
        .where(and(gte(minute, windowStart), lte(minute, now)))
      return { rows, minutes: figures! }
    })
    .then(({ rows, minutes }) => {
      const poolList = rows.map(toPool)
      const latest = (pick: (row: (typeof rows)[number]) => Date | null) =>
        rows.reduce<Date | null>((max, row) => {
          const at = pick(row)
          return at !== null && (max === null || at > max) ? at : max
        }, null)
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
          contributions: Number(minutes.todayContributions),
          contributedCents: BigInt(minutes.todayContributed),
          wagerCents: BigInt(minutes.todayWager),
          wins: Number(minutes.todayWins),
          paidOutCents: BigInt(minutes.todayPaidOut),
        },
        growth: {
          last24hCents,
          previous24hCents,
          ratio: previous24hCents === 0n ? null : Number(last24hCents) / Number(previous24hCents),
        },
        lastContributionAt: latest((row) => row.lastContributionAt),
        lastWinAt: latest((row) => row.lastWinAt),
      }
    })
}
