import { and, gte, lte, sql } from 'drizzle-orm'
import { poolMinuteStats } from './db/schema.ts'
import type { StoreContext } from './store-context.ts'
import type { PoolSlug } from './types.ts'

const MINUTE_MS = 60_000

/**
 * Cents contributed to each pool in (`since`, `now`], from the pool-minute
 * rollup, at minute granularity (the minute that holds `since` counts): at
 * most one row per pool per minute of the window is read, whatever the
 * ledger's size. Pools without contributions in the window are absent.
 *
 * @example
 * const growth = await poolGrowthSince(ctx, new Date(Date.now() - 86_400_000), new Date())
 * growth.get('mega') // 12_345n
 */
export async function poolGrowthSince(
  ctx: Pick<StoreContext, 'db' | 'run'>,
  since: Date,
  now: Date,
): Promise<Map<PoolSlug, bigint>> {
  const from = new Date(Math.floor(since.getTime() / MINUTE_MS) * MINUTE_MS)
  const rows = await ctx.run('stats.read', () =>
    ctx.db
      .select({
        slug: poolMinuteStats.poolSlug,
        cents: sql<string>`sum(${poolMinuteStats.contributedCents})::text`,
      })
      .from(poolMinuteStats)
      .where(and(gte(poolMinuteStats.minute, from), lte(poolMinuteStats.minute, now)))
      .groupBy(poolMinuteStats.poolSlug),
  )
  return new Map(rows.map((row) => [row.slug, BigInt(row.cents)]))
}
