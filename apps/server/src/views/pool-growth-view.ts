import { type Page, POOL_GROWTH_WINDOW_MS, type PoolGrowth } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents } from '../http/money.ts'
import { NextCursor, toJsonView } from './json-view.ts'

export const PoolGrowthSchema = t.Object({
  pool: t.String({ examples: ['mega'] }),
  contributions: t.Integer({ description: 'Wagers that reached the pool in the window' }),
  contributedCents: Cents({
    description: 'Cents they added to the pool (ceiling overflow to its reserve included)',
  }),
})

export const PoolGrowthPageSchema = t.Object({
  since: t.String({
    format: 'date-time',
    description: 'Start of the window (exclusive): 24 h before `until`',
  }),
  until: t.String({
    format: 'date-time',
    description: 'End of the window (inclusive): the time of the read',
  }),
  currency: t.String({ examples: ['EUR'] }),
  pools: t.Array(PoolGrowthSchema),
  nextCursor: NextCursor('after'),
})

/** @example toPoolGrowthPage(await store.poolGrowth({}, now), store.currency, now) */
export function toPoolGrowthPage(page: Page<PoolGrowth>, currency: string, now: Date) {
  return {
    since: new Date(now.getTime() - POOL_GROWTH_WINDOW_MS).toISOString(),
    until: now.toISOString(),
    currency,
    pools: page.entries.map((growth) => toJsonView(growth, PoolGrowthSchema)),
    nextCursor: page.nextCursor,
  }
}

export type PoolGrowthPageView = ReturnType<typeof toPoolGrowthPage>
