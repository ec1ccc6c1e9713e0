import type { Pool } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, centsToJson, StrictInteger } from '../http/money.ts'

export const PoolSchema = t.Object(
  {
    slug: t.String({ examples: ['mega'] }),
    name: t.String({ examples: ['Mega'] }),
    currency: t.String({ examples: ['EUR'] }),
    amountCents: Cents({ description: 'Current jackpot amount' }),
    reserveCents: Cents({ description: 'Funds set aside (ceiling overflow) to pay the next reset' }),
    seedCents: Cents({ description: 'Amount the pool restarts at after a win' }),
    ceilingCents: t.Union([Cents(), t.Null()], { description: 'Must-hit-by cap; null for none' }),
    contributionBp: StrictInteger({ description: 'Basis points of each wager added to the pool' }),
    version: StrictInteger({ description: 'Bumped on every configuration change' }),
    totals: t.Object({
      contributedCents: Cents(),
      paidOutCents: Cents(),
      seededByHouseCents: Cents(),
      contributions: StrictInteger({ minimum: 0 }),
      wins: StrictInteger({ minimum: 0 }),
    }),
    updatedAt: t.String({ format: 'date-time' }),
  },
  { title: 'Pool', description: 'A jackpot pool, money in integer cents' },
)

/** `GET /pools`: every pool. */
export const PoolListSchema = t.Object({ pools: t.Array(PoolSchema) }, { title: 'PoolList' })

/** @example toPoolView(await store.getPool('mega')) */
export function toPoolView(pool: Pool) {
  return {
    slug: pool.slug,
    name: pool.name,
    currency: pool.currency,
    amountCents: centsToJson(pool.amountCents),
    reserveCents: centsToJson(pool.reserveCents),
    seedCents: centsToJson(pool.seedCents),
    ceilingCents: pool.ceilingCents === null ? null : centsToJson(pool.ceilingCents),
    contributionBp: pool.contributionBp,
    version: pool.version,
    totals: {
      contributedCents: centsToJson(pool.totals.contributedCents),
      paidOutCents: centsToJson(pool.totals.paidOutCents),
      seededByHouseCents: centsToJson(pool.totals.seededByHouseCents),
      contributions: pool.totals.contributions,
      wins: pool.totals.wins,
    },
    updatedAt: pool.updatedAt.toISOString(),
  }
}

export type PoolView = ReturnType<typeof toPoolView>
