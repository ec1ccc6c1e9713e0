import type { ContributionReceipt } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, centsToJson } from '../http/money.ts'

export const ContributionSchema = t.Object(
  {
    id: t.String(),
    wagerCents: Cents(),
    currency: t.String(),
    gameId: t.String(),
    playerId: t.Union([t.String(), t.Null()]),
    pools: t.Array(
      t.Object(
        {
          slug: t.String(),
          contributedCents: Cents({ description: 'Whole cents this wager added (amount + reserve)' }),
          toReserveCents: Cents({ description: 'Part of contributedCents the ceiling sent to the reserve' }),
          amountCents: Cents({ description: 'Pool amount after this contribution' }),
          reserveCents: Cents({ description: 'Pool reserve after this contribution' }),
        },
        { title: 'PoolContribution', description: 'What one wager did to one pool' },
      ),
    ),
    createdAt: t.String({ format: 'date-time' }),
  },
  { title: 'Contribution', description: 'A recorded contribution and what it did to each pool' },
)

export function toContributionView(receipt: ContributionReceipt) {
  return {
    id: receipt.id,
    wagerCents: centsToJson(receipt.wagerCents),
    currency: receipt.currency,
    gameId: receipt.gameId,
    playerId: receipt.playerId,
    pools: receipt.pools.map((pool) => ({
      slug: pool.slug,
      contributedCents: centsToJson(pool.contributedCents),
      toReserveCents: centsToJson(pool.toReserveCents),
      amountCents: centsToJson(pool.amountCents),
      reserveCents: centsToJson(pool.reserveCents),
    })),
    createdAt: receipt.createdAt.toISOString(),
  }
}

export type ContributionView = ReturnType<typeof toContributionView>
