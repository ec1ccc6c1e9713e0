import type { Stats } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, centsToJson, StrictInteger } from '../http/money.ts'

const Timestamp = t.Union([t.String({ format: 'date-time' }), t.Null()])

export const StatsSchema = t.Object(
  {
    pools: StrictInteger({ minimum: 0 }),
    totalAmountCents: Cents(),
    totalReserveCents: Cents(),
    totalContributedCents: Cents(),
    totalPaidOutCents: Cents(),
    totalSeededByHouseCents: Cents(),
    contributions: StrictInteger({ minimum: 0 }),
    wins: StrictInteger({ minimum: 0 }),
    today: t.Object(
      {
        contributions: StrictInteger({ minimum: 0 }),
        contributedCents: Cents(),
        wagerCents: Cents(),
        wins: StrictInteger({ minimum: 0 }),
        paidOutCents: Cents(),
      },
      { description: 'Since midnight UTC' },
    ),
    growth: t.Object(
      {
        last24hCents: Cents(),
        previous24hCents: Cents(),
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
    totalAmountCents: centsToJson(stats.totalAmountCents),
    totalReserveCents: centsToJson(stats.totalReserveCents),
    totalContributedCents: centsToJson(stats.totalContributedCents),
    totalPaidOutCents: centsToJson(stats.totalPaidOutCents),
    totalSeededByHouseCents: centsToJson(stats.totalSeededByHouseCents),
    contributions: stats.contributions,
    wins: stats.wins,
    today: {
      contributions: stats.today.contributions,
      contributedCents: centsToJson(stats.today.contributedCents),
      wagerCents: centsToJson(stats.today.wagerCents),
      wins: stats.today.wins,
      paidOutCents: centsToJson(stats.today.paidOutCents),
    },
    growth: {
      last24hCents: centsToJson(stats.growth.last24hCents),
      previous24hCents: centsToJson(stats.growth.previous24hCents),
      ratio: stats.growth.ratio,
    },
    lastContributionAt: stats.lastContributionAt?.toISOString() ?? null,
    lastWinAt: stats.lastWinAt?.toISOString() ?? null,
  }
}

export type StatsView = ReturnType<typeof toStatsView>
