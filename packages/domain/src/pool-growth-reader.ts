import { and, gte, inArray, lte, sql } from 'drizzle-orm'
import { poolMinuteStats } from './db/schema.ts'
import { pageLimit } from './page-cursor.ts'
import { selectPools } from './pool-rows.ts'
import type { StoreContext } from './store-context.ts'
import type { Page, PoolSlug } from './types.ts'

/** The window {@link readPoolGrowth} sums over: the 24 h up to `now`. */
export const POOL_GROWTH_WINDOW_MS = 86_400_000

/** A query of per-pool growth (see `JackpotStore.poolGrowth`). */
export interface PoolGrowthQuery {
  /** The previous page's `nextCursor` (the last slug it held): pools after it, by slug. */
  after?: string | undefined
  /** 1..500, default 50. */
  limit?: number | undefined
}

/** What one pool gained from wagers in the 24 h up to the read. */
export interface PoolGrowth {
  pool: PoolSlug
  /** Contribution entries that reached the pool. */
  contributions: number
  /** Cents they added to it (what the ceiling diverted to its reserve included). */
  contributedCents: bigint
}

/**
 * Each pool's growth over the last 24 h, (now − 24 h, now], a page of pools
 * at a time in slug order (pools with no contribution in the window show 0).
 *
 * Reads the pool-minute rollup (`pool_minute_stats`, kept by every write
 * batch): at most 1 440 rows per pool, whatever the ledger's size or the day's
 * traffic. The window is therefore at minute granularity: the minute that holds
 * `now − 24 h` counts whole.
 *
 * @throws InvalidQueryError for a bad limit.
 * @example
 * const { entries } = await readPoolGrowth(ctx, { limit: 10 }, new Date())
 * entries[0] // { pool: 'major', contributions: 1200, contributedCents: 54000n }
 */
export async function readPoolGrowth(
  ctx: StoreContext,
  query: PoolGrowthQuery,
  now: Date,
): Promise<Page<PoolGrowth>> {
  const limit = pageLimit(query.limit)
  const minuteMs = 60_000
  const dayAgo = new Date(Math.floor((now.getTime() - POOL_GROWTH_WINDOW_MS) / minuteMs) * minuteMs)
  return ctx.run('pools.growth', async () => {
    // Pools are a configured handful: their slugs are read whole and paged here.
    const slugs = (await selectPools(ctx.db))
      .map((pool) => pool.slug)
      .filter((slug) => query.after === undefined || slug > query.after)
    const page = slugs.slice(0, limit)
    const rows =
      page.length === 0
        ? []
        : await ctx.db
            .select({
              pool: poolMinuteStats.poolSlug,
              contributions: sql<number>`sum(${poolMinuteStats.contributions})::int`,
              // Through text: the drivers disagree on how they hand back numeric.
              contributedCents: sql<string>`coalesce(sum(${poolMinuteStats.contributedCents}), 0)::text`,
            })
            .from(poolMinuteStats)
            .where(
              and(
                gte(poolMinuteStats.minute, dayAgo),
                lte(poolMinuteStats.minute, now),
                inArray(poolMinuteStats.poolSlug, page),
              ),
            )
            .groupBy(poolMinuteStats.poolSlug)
    const bySlug = new Map(rows.map((row) => [row.pool, row]))
    return {
      entries: page.map((pool) => ({
        pool,
        contributions: bySlug.get(pool)?.contributions ?? 0,
        contributedCents: BigInt(bySlug.get(pool)?.contributedCents ?? '0'),
      })),
      nextCursor: slugs.length > limit ? (page.at(-1) ?? null) : null,
    }
  })
}
