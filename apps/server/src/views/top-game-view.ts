import type { Page, TopGame } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents } from '../http/money.ts'
import { NextCursor, toJsonView } from './json-view.ts'

export const TopGameSchema = t.Object({
  gameId: t.String(),
  contributions: t.Integer({ description: 'Wagers today' }),
  contributedCents: Cents({ description: 'Cents those wagers added to all pools together' }),
})

export const TopGamesPageSchema = t.Object({
  since: t.String({ format: 'date-time', description: 'UTC midnight the ranking counts from' }),
  currency: t.String({ examples: ['EUR'] }),
  games: t.Array(TopGameSchema),
  nextCursor: NextCursor('after'),
})

/** @example toTopGamesPage(await store.topGames({ limit: 10 }, now), store.currency, now) */
export function toTopGamesPage(page: Page<TopGame>, currency: string, now: Date) {
  return {
    since: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString(),
    currency,
    games: page.entries.map((game) => toJsonView(game, TopGameSchema)),
    nextCursor: page.nextCursor,
  }
}

export type TopGamesPageView = ReturnType<typeof toTopGamesPage>
