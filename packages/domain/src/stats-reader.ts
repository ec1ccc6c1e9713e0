import { and, eq, gt, gte, lte, type SQL, sql } from 'drizzle-orm'
import { ledgerEntries, ledgerLines } from './db/schema.ts'
import { selectPools } from './pool-rows.ts'
import type { StoreContext } from './store-context.ts'
import type { Stats } from './types.ts'

const DAY_MS = 86_400_000

/**
 * Business figures: all-time totals from the pools; today's activity (since
 * UTC midnight of `now`); contributed cents in the last 24 h, (now-24h, now],
 * against the 24 h before, (now-48h, now-24h], with `ratio` = last / previous.
 *
 * @example
 * const stats = await readStats(ctx, new Date())
 */
export async function readStats(ctx: StoreContext, now: Date): Promise<Stats> {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const dayAgo = new Date(now.getTime() - DAY_MS)
  const twoDaysAgo = new Date(now.getTime() - 2 * DAY_MS)
  const windowStart = midnight < twoDaysAgo ? midnight : twoDaysAgo
  const at = ledgerEntries.createdAt
  const isContribution = eq(ledgerEntries.kind, 'contribution')
  const isWin = eq(ledgerEntries.kind, 'win')
  // Dates are bound through the column operators (gte/gt/lte), which know how each driver wants them.
  const today = gte(at, midnight)
  const last24h = and(gt(at, dayAgo), lte(at, now))
  const previous24h = and(gt(at, twoDaysAgo), lte(at, dayAgo))
  const count = (where: SQL | undefined) => sql<number>`(count(*) filter (where ${where}))::int`
  // Sums go through text: the drivers disagree on how they hand back numeric.
  const sumText = (value: unknown, where: SQL | undefined) =>
    sql<string>`coalesce(sum(${value}) filter (where ${where}), 0)::text`
  // The newest entry of a kind, through `ledger_entries_kind_id_idx (kind, id)` read backwards:
  // ids follow application order, so it is the last one applied, found without a scan.
  const lastOf = (kind: 'contribution' | 'win') =>
    sql<
      string | null
    >`(select (extract(epoch from ${at}) * 1000)::bigint::text from ${ledgerEntries} where ${ledgerEntries.kind} = ${kind} order by ${ledgerEntries.id} desc limit 1)`

  return ctx
    .run('stats.read', async () => {
      const poolList = await selectPools(ctx.db)
      const [entries] = await ctx.db
        .select({
          contributions: count(and(isContribution, today)),
          wagerCents: sumText(ledgerEntries.wagerCents, and(isContribution, today)),
          wins: count(and(isWin, today)),
          lastContributionMs: lastOf('contribution'),
          lastWinMs: lastOf('win'),
        })
        .from(ledgerEntries)
        // Today's entries only (`ledger_entries_created_at_idx`), never the whole ledger.
        .where(today)
      const [lines] = await ctx.db
        .select({
          todayContributed: sumText(ledgerLines.contributedDeltaCents, and(isContribution, today)),
          todayPaidOut: sumText(ledgerLines.paidOutDeltaCents, and(isWin, today)),
          last24h: sumText(ledgerLines.contributedDeltaCents, and(isContribution, last24h)),
          previous24h: sumText(ledgerLines.contributedDeltaCents, and(isContribution, previous24h)),
        })
        .from(ledgerLines)
        .innerJoin(ledgerEntries, eq(ledgerLines.entryId, ledgerEntries.id))
        .where(gt(at, windowStart))
      return { poolList, entries: entries!, lines: lines! }
    })
    .then(({ poolList, entries, lines }) => {
      const sum = (pick: (p: (typeof poolList)[number]) => bigint) =>
        poolList.reduce((s, p) => s + pick(p), 0n)
      const last24hCents = BigInt(lines.last24h)
      const previous24hCents = BigInt(lines.previous24h)
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
          contributions: entries.contributions,
          contributedCents: BigInt(lines.todayContributed),
          wagerCents: BigInt(entries.wagerCents),
          wins: entries.wins,
          paidOutCents: BigInt(lines.todayPaidOut),
        },
        growth: {
          last24hCents,
          previous24hCents,
          ratio: previous24hCents === 0n ? null : Number(last24hCents) / Number(previous24hCents),
        },
        lastContributionAt:
          entries.lastContributionMs === null ? null : new Date(Number(entries.lastContributionMs)),
        lastWinAt: entries.lastWinMs === null ? null : new Date(Number(entries.lastWinMs)),
      }
    })
}
