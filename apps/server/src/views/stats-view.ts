import type { Stats } from '@jackpot/domain'
import { t } from 'elysia'
import { centsToInt64String, Int64Cents, StrictInteger } from '../http/money.ts'

const Timestamp = t.Union([t.String({ format: 'date-time' }), t.Null()])

export const StatsSchema = t.Object(
  {
    pools: StrictInteger({ minimum: 0 }),
    totalAmountCents: Int64Cents(),
    totalReserveCents: Int64Cents(),
    totalContributedCents: Int64Cents(),
    totalPaidOutCents: Int64Cents(),
    totalSeededByHouseCents: Int64Cents(),
    contributions: StrictInteger({ minimum: 0 }),
    wins: StrictInteger({ minimum: 0 }),
    today: t.Object(
      {
        contributions: StrictInteger({ minimum: 0 }),
        contributedCents: Int64Cents(),
        wagerCents: Int64Cents(),
        wins: StrictInteger({ minimum: 0 }),
        paidOutCents: Int64Cents(),
      },
      { description: 'Since midnight UTC' },
    ),
    growth: t.Object(
      {
        last24hCents: Int64Cents(),
        previous24hCents: Int64Cents(),
        ratio: t.Union([t.Number(), t.Null()], {
          description: 'last24h / previous24h; null when the earlier window is empty',
        }),
      },
      { description: 'Contributed cents, last 24 h against the 24 h before' },
    ),
    lastContributionAt: Timestamp,
    lastWinAt: Timestamp,
  },
  { title: 'Stats', description: 'Business figures across every pool' },
)

export function toStatsView(stats: Stats) {
  return {
    pools: stats.pools,
    totalAmountCents: centsToInt64String(stats.totalAmountCents),
    totalReserveCents: centsToInt64String(stats.totalReserveCents),
    totalContributedCents: centsToInt64String(stats.totalContributedCents),
    totalPaidOutCents: centsToInt64String(stats.totalPaidOutCents),
    totalSeededByHouseCents: centsToInt64String(stats.totalSeededByHouseCents),
    contributions: stats.contributions,
    wins: stats.wins,
    today: {
      contributions: stats.today.contributions,
      contributedCents: centsToInt64String(stats.today.contributedCents),
      wagerCents: centsToInt64String(stats.today.wagerCents),
      wins: stats.today.wins,
      paidOutCents: centsToInt64String(stats.today.paidOutCents),
    },
    growth: {
      last24hCents: centsToInt64String(stats.growth.last24hCents),
      previous24hCents: centsToInt64String(stats.growth.previous24hCents),
      ratio: stats.growth.ratio,
    },
    lastContributionAt: stats.lastContributionAt?.toISOString() ?? null,
    lastWinAt: stats.lastWinAt?.toISOString() ?? null,
  }
}

export type StatsView = ReturnType<typeof toStatsView>
