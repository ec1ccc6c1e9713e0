import type { Page, TopGame } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, centsToJson } from '../http/money.ts'

export const TopGameSchema = t.Object({
  gameId: t.String(),
  contributions: t.Integer({ description: 'Wagers today' }),
  contributedCents: Cents({ description: 'Cents those wagers added to all pools together' }),
})

export const TopGamesPageSchema = t.Object({
  since: t.String({ format: 'date-time', description: 'UTC midnight the ranking counts from' }),
  currency: t.String({ examples: ['EUR'] }),
  games: t.Array(TopGameSchema),
  nextCursor: t.Union([t.String(), t.Null()], {
    description: "Pass as 'after' for the next page; null at the end",
  }),
})

/** @example toTopGamesPage(await store.topGames({ limit: 10 }, now), store.currency, now) */
export function toTopGamesPage(page: Page<TopGame>, currency: string, now: Date) {
  return {
    since: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString(),
    currency,
    games: page.entries.map((game) => ({
      gameId: game.gameId,
      contributions: game.contributions,
      contributedCents: centsToJson(game.contributedCents),
    })),
    nextCursor: page.nextCursor,
  }
}

export type TopGamesPageView = ReturnType<typeof toTopGamesPage>
