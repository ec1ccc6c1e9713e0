import type { Page, RecentWin } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, centsToJson } from '../http/money.ts'

export const RecentWinSchema = t.Object({
  id: t.String({ description: 'Ledger entry id of the win' }),
  pool: t.String({ examples: ['mega'] }),
  gameId: t.String(),
  playerId: t.String(),
  payoutCents: Cents({ description: 'What the win paid' }),
  currency: t.String({ examples: ['EUR'] }),
  createdAt: t.String({ format: 'date-time' }),
})

export const RecentWinsPageSchema = t.Object({
  wins: t.Array(RecentWinSchema),
  nextCursor: t.Union([t.String(), t.Null()], {
    description: "Pass as 'before' for older wins; null at the end",
  }),
})

/** @example toRecentWinsPage(await store.recentWins({ limit: 20 }), store.currency) */
export function toRecentWinsPage(page: Page<RecentWin>, currency: string) {
  return {
    wins: page.entries.map((win) => ({
      id: win.id,
      pool: win.pool,
      gameId: win.gameId,
      playerId: win.playerId,
      payoutCents: centsToJson(win.payoutCents),
      currency,
      createdAt: win.createdAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  }
}

export type RecentWinsPageView = ReturnType<typeof toRecentWinsPage>
